"""Model files sent to a worker through the StationThis extension (adapters/comfyui/worker_extension)."""
from __future__ import annotations

import time
from typing import AsyncIterator
from urllib.parse import quote

from adapters.comfyui.http import ComfyUIHttp
from adapters.comfyui.worker_extension.signing import PREFIX, signature
from ports.engine import DeliveryFailed

REFUSALS = {
    400: "refused the file name", 401: "refused the signature (is COMFYUI_SHARED_SECRET the same on both sides?)",
    404: "has no StationThis extension in custom_nodes", 409: "already has a different file of that name",
    413: "found the file too large", 422: "received the file damaged (its SHA-256 did not match)",
    503: "has the extension but no COMFYUI_SHARED_SECRET set",
}


class ModelUpload:
    def __init__(self, http: ComfyUIHttp, secret: str):
        self._http, self._secret = http, secret

    async def problem(self) -> str:
        """Why this worker cannot take model files now ("" when it can)."""
        if not self._secret:
            return "COMFYUI_SHARED_SECRET is not set for the station"
        response = await self._http.send("GET", f"{PREFIX}/hello", accept=(404,))
        if response.status_code == 404:
            return f"ComfyUI at {self._http.url} {REFUSALS[404]}"
        if not self._http.decode(response).get("secret_set"):
            return f"ComfyUI at {self._http.url} {REFUSALS[503]}"
        return ""

    async def send(self, folder: str, filename: str, size: int, sha256: str, chunks: AsyncIterator[bytes]) -> bool:
        """PUT the file; True if written, False if the worker already had it. Raises DeliveryFailed or EngineUnavailable."""
        if not self._secret:
            raise DeliveryFailed("COMFYUI_SHARED_SECRET is not set for the station")
        path = f"{PREFIX}/models/{quote(folder, safe='')}/{quote(filename, safe='')}"
        stamp = str(int(time.time()))
        headers = {"X-StationThis-SHA256": sha256, "X-StationThis-Time": stamp, "Content-Length": str(size),
                   "X-StationThis-Signature": signature(self._secret, "PUT", path, sha256, stamp),
                   "Content-Type": "application/octet-stream"}
        response = await self._http.send("PUT", path, accept=tuple(REFUSALS), content=chunks, headers=headers)
        if response.status_code in REFUSALS:
            raise DeliveryFailed(f"ComfyUI at {self._http.url} {REFUSALS[response.status_code]}")
        return response.status_code == 201
