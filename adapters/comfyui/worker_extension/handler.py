"""The extension's routes: PUT a model file into a models folder (signed, hash-checked, atomic, idempotent)."""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from typing import Callable

from aiohttp import web

from .signing import FILENAME, PREFIX, signature_ok

MAX_BYTES = 4 * 1024**3
FOLDERS = ("loras",)
VERSION = 1


def add_routes(routes: web.RouteTableDef, folder_path: Callable[[str], str], secret: Callable[[], str]) -> None:
    """`folder_path("loras")` is where files go; `secret()` the shared secret ("" refuses every delivery)."""

    @routes.get(f"{PREFIX}/hello")
    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"extension": "stationthis", "version": VERSION, "folders": list(FOLDERS),
                                  "secret_set": bool(secret())})

    @routes.put(PREFIX + "/models/{folder}/{filename}")
    async def put_model(request: web.Request) -> web.Response:
        folder, filename = request.match_info["folder"], request.match_info["filename"]
        if folder not in FOLDERS or not FILENAME.match(filename):
            return _answer(400, f"only {', '.join(FOLDERS)} and plain *.safetensors names are accepted")
        if not secret():
            return _answer(503, "COMFYUI_SHARED_SECRET is not set on this worker")
        wanted, headers = request.headers.get("X-StationThis-SHA256", "").lower(), request.headers
        path = f"{PREFIX}/models/{folder}/{filename}"
        if not signature_ok(secret(), "PUT", path, wanted, headers.get("X-StationThis-Time", ""),
                            headers.get("X-StationThis-Signature", ""), time.time()):
            return _answer(401, "bad or expired signature")
        if (request.content_length or 0) > MAX_BYTES:
            return _answer(413, f"larger than {MAX_BYTES} bytes")
        target = os.path.join(folder_path(folder), filename)
        if os.path.exists(target):
            same = _sha256_of(target) == wanted
            return _answer(200 if same else 409, "present" if same else "a different file has this name")
        return await _receive(request, target, wanted)


async def _receive(request: web.Request, target: str, wanted: str) -> web.Response:
    """Stream into a hidden temporary file beside the target; it becomes the target only if the hash matches."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=".stationthis-", suffix=".partial", dir=os.path.dirname(target))
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as out:
            async for chunk in request.content.iter_chunked(1 << 20):
                size += len(chunk)
                if size > MAX_BYTES:
                    return _answer(413, f"larger than {MAX_BYTES} bytes")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != wanted:
            return _answer(422, f"the received {size} bytes do not have the announced SHA-256")
        os.replace(partial, target)
        return _answer(201, "written", size=size)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def _sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stored:
        for chunk in iter(lambda: stored.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _answer(status: int, message: str, **extra) -> web.Response:
    return web.json_response({"status": message, **extra}, status=status)
