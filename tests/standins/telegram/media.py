"""Media a bot sends — a fresh upload, an attach:// part or a file_id re-send — under Telegram's limits."""

from __future__ import annotations

import mimetypes

from .faults import ApiError, bad_request
from .files import open_image
from .records import Upload
from .state import World

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PHOTO_SIDES = 10_000
MAX_PHOTO_RATIO = 20


def resolve(world: World, kind: str, value: object, uploads: dict[str, Upload], field: str) -> object:
    """The message's `kind` field (PhotoSize list or Document) for a parameter `value`.

    `value` is a file_id, an "attach://<name>" reference, or absent when the file came as the part `field`.
    """
    if isinstance(value, str) and value.startswith("attach://"):
        upload = uploads.get(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request("can't parse InputMedia: media not found")
        return _stored(world, kind, upload)
    if isinstance(value, str) and value:
        return _reused(world, kind, value)
    if field not in uploads:
        raise bad_request(f"there is no {kind} in the request")
    return _stored(world, kind, uploads[field])


def _reused(world: World, kind: str, file_id: str) -> object:
    if file_id.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")  # the stand-in never leaves 127.0.0.1
    stored = world.files.get(file_id)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request("type of file mismatch")
    return stored.media


def _stored(world: World, kind: str, upload: Upload) -> object:
    if len(upload.data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "Request Entity Too Large")
    if not upload.data:
        raise bad_request("file must be non-empty")
    if kind == "photo":
        check_photo(upload.data)
        return world.files.photo(upload.data)
    suffix = "." + upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else ""
    fields = {"file_name": upload.filename, "mime_type": mime_type_of(upload)}
    if kind in ("animation", "video"):
        fields.update(width=0, height=0, duration=0)
        if fields["mime_type"] == "image/gif":
            with open_image(upload.data) as gif:
                fields.update(width=gif.width, height=gif.height,
                              duration=round(gif.n_frames * gif.info.get("duration", 100) / 1000))
    return world.files.media(upload.data, kind, suffix, fields)


def mime_type_of(upload: Upload) -> str:
    return upload.content_type or mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"


def check_photo(data: bytes) -> None:
    """sendPhoto's documented limits: at most 10 MB, width + height at most 10000, ratio at most 20."""
    if len(data) > MAX_PHOTO_BYTES:
        raise bad_request("PHOTO_SAVE_FILE_INVALID")
    width, height = open_image(data).size
    if width + height > MAX_PHOTO_SIDES or max(width, height) > MAX_PHOTO_RATIO * min(width, height):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
