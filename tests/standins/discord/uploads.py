"""Reads message bodies sent as JSON or as multipart (`payload_json` + `files[n]`) and stores uploads."""

from __future__ import annotations

import io
import json
import mimetypes
import re

from aiohttp import web
from PIL import Image, UnidentifiedImageError

from .messages import Attachment
from .middleware import DiscordError
from .state import World

FILE_FIELD = re.compile(r"files\[(\d+)\]")


def store_attachment(world: World, channel_id: str, filename: str, data: bytes,
                     content_type: str | None = None) -> Attachment:
    """Keeps the bytes, serves them at a CDN-style URL and reads image dimensions with Pillow."""
    attachment_id = world.ids.next()
    width = height = None
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            content_type = Image.MIME.get(image.format or "", content_type)
    except (UnidentifiedImageError, OSError):
        pass
    if content_type in (None, "application/octet-stream"):
        content_type = mimetypes.guess_type(filename)[0] or content_type
    attachment = Attachment(
        id=attachment_id, filename=filename, data=data, content_type=content_type, width=width, height=height,
        url=f"{world.base_url}/attachments/{channel_id}/{attachment_id}/{filename}",
    )
    world.attachments[attachment_id] = attachment
    return attachment


async def read_message_body(request: web.Request, world: World, channel_id: str,
                            size_limit: int) -> tuple[dict, dict[int, Attachment]]:
    """Returns the JSON payload and the uploads keyed by their files[n] index; 413 when a file is too big."""
    if not request.content_type.startswith("multipart/"):
        return (await request.json() if request.can_read_body else {}), {}
    payload: dict = {}
    uploads: dict[int, Attachment] = {}
    reader = await request.multipart()
    async for part in reader:
        if part.name == "payload_json":
            payload = json.loads(await part.text())
        elif match := FILE_FIELD.fullmatch(part.name or ""):
            data = await part.read()
            if len(data) > size_limit:
                raise DiscordError(413, 40005, "Request entity too large")
            declared = part.headers.get("Content-Type")
            uploads[int(match[1])] = store_attachment(world, channel_id, part.filename or "unknown", data, declared)
    return payload, uploads
