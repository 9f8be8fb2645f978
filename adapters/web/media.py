"""Serve stored files (results, inputs, dataset images) to the one user the domain lets read them."""
from __future__ import annotations

from quart import Blueprint, Response, request

from adapters.web.context import web
from adapters.web.sessions import current_user_id
from domain.blobs import Shown
from domain.workflows.access import Download

blueprint = Blueprint("media", __name__)


@blueprint.get("/media/<path:key>")
async def blob(key: str):
    download = await web().station.access.file(await current_user_id(), key)
    return send(download, as_attachment="download" in request.args)


def send(download: Download, as_attachment: bool = False) -> Response:
    """Stream an opened file; anything but a picture or a video is a download, never shown inline."""
    key = download.key
    response = Response(download.chunks, content_type=key.content_type)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if as_attachment or download.filename or key.shown not in (Shown.IMAGE, Shown.VIDEO):
        name = (download.filename or str(key).replace("/", "_")).replace('"', "")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
