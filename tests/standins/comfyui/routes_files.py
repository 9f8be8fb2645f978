"""GET /view and POST /upload/image, with server.py's path checks and rename-on-conflict."""
from __future__ import annotations

import io
import mimetypes
import os

from aiohttp import web
from PIL import Image

from .env import DIR_KINDS, Env
from .script import Tally

FORCED_DOWNLOAD = {"text/html", "text/html-sandboxed", "application/xhtml+xml", "text/javascript", "text/css"}


def file_routes(env: Env, tally: Tally) -> web.RouteTableDef:
    routes = web.RouteTableDef()

    @routes.get("/view")
    async def view(request: web.Request) -> web.StreamResponse:
        query = request.rel_url.query
        if "filename" not in query:
            return web.Response(status=404)
        filename, folder = env.annotated(query["filename"])
        if not filename or filename[0] == "/" or ".." in filename:
            return web.Response(status=400)
        if folder is None:
            kind = query.get("type", "output")
            if kind not in DIR_KINDS:
                return web.Response(status=400)
            folder = env.dir(kind)
        if "subfolder" in query:
            wanted = os.path.join(folder, query["subfolder"])
            if os.path.commonpath((os.path.abspath(wanted), folder)) != folder:
                return web.Response(status=403)
            folder = wanted
        filename = os.path.basename(filename)
        path = os.path.join(folder, filename)
        if not os.path.isfile(path):
            return web.Response(status=404)
        disposition = {"Content-Disposition": f'filename="{filename}"'}
        if "preview" in query:
            return _preview(path, query["preview"], query.get("channel", ""), disposition)
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        if content_type in FORCED_DOWNLOAD:
            content_type = "application/octet-stream"
        return web.FileResponse(path, headers={**disposition, "Content-Type": content_type})

    @routes.post("/upload/image")
    async def upload_image(request: web.Request) -> web.Response:
        post = await request.post()
        image = post.get("image")
        kind = post.get("type") or "input"
        if kind not in DIR_KINDS:
            raise ValueError(f"unknown upload type {kind!r}")
        if not isinstance(image, web.FileField) or not image.filename:
            return web.Response(status=400)
        root, filename, subfolder = env.dir(kind), image.filename, post.get("subfolder", "")
        folder = os.path.join(root, os.path.normpath(subfolder))
        path = os.path.abspath(os.path.join(folder, filename))
        if os.path.commonpath((root, path)) != root:
            return web.Response(status=400)
        os.makedirs(folder, exist_ok=True)
        data, duplicate = image.file.read(), False
        if post.get("overwrite") not in ("true", "1"):
            stem, suffix = os.path.splitext(filename)
            counter = 1
            while os.path.exists(path):
                with open(path, "rb") as existing:
                    if existing.read() == data:
                        duplicate = True
                        break
                filename = f"{stem} ({counter}){suffix}"
                path = os.path.join(folder, filename)
                counter += 1
        if not duplicate:
            with open(path, "wb") as out:
                out.write(data)
        tally.uploads += 1
        return web.json_response({"name": filename, "subfolder": subfolder, "type": kind})

    return routes


def _preview(path: str, preview: str, channel: str, headers: dict) -> web.Response:
    """`preview=webp;90` or `jpeg;80`: the file re-encoded (webp when the alpha channel is asked for)."""
    fmt, *rest = preview.split(";")
    if fmt not in ("webp", "jpeg") or "a" in channel:
        fmt = "webp"
    quality = int(rest[-1]) if rest and rest[-1].isdigit() else 90
    buffer = io.BytesIO()
    with Image.open(path) as picture:
        if fmt == "jpeg" or channel == "rgb":
            picture = picture.convert("RGB")
        picture.save(buffer, format=fmt, quality=quality)
    return web.Response(body=buffer.getvalue(), content_type=f"image/{fmt}", headers=headers)
