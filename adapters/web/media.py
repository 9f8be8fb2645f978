"""Serve stored files (results, inputs, dataset images) to the one user allowed to see them."""
from __future__ import annotations

from quart import Blueprint, Response, request

from adapters.web.context import web
from adapters.web.sessions import current_user_id
from domain.errors import NotFound

blueprint = Blueprint("media", __name__)
TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp",
         "safetensors": "application/octet-stream"}


@blueprint.get("/media/<path:key>")
async def blob(key: str):
    user_id = current_user_id()
    if user_id is None or not await _may_see(user_id, key):
        raise NotFound("There is no such file, or it is not yours.")
    return await send_blob(key, download="download" in request.args)


async def _may_see(user_id: str, key: str) -> bool:
    area, _, rest = key.partition("/")
    owner_part = rest.split("/", 1)[0]
    station = web().station
    if area == "inputs":
        return owner_part == user_id
    if area == "results":
        return key in (await station.make_image.own_job(user_id, owner_part)).outputs
    if area == "datasets":
        dataset = await station.training.dataset(user_id, owner_part)
        return any(image.blob == key for image in dataset.images)
    return False


async def send_blob(key: str, download: bool = False, filename: str | None = None) -> Response:
    """Stream a blob; a missing one is a 404, found out before the answer starts."""
    chunks = web().blobs.stream(key)
    try:
        first = await chunks.__anext__()
    except StopAsyncIteration:
        first = b""
    except (KeyError, ValueError):
        raise NotFound("That file is gone.") from None

    async def body():
        yield first
        async for chunk in chunks:
            yield chunk

    extension = key.rsplit(".", 1)[-1].lower()
    response = Response(body(), content_type=TYPES.get(extension, "application/octet-stream"))
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if download or extension not in TYPES or extension == "safetensors":
        name = (filename or key.replace("/", "_")).replace('"', "")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
