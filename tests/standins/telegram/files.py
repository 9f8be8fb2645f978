"""Stored files under file_id and file_path, with the PhotoSize ladder Telegram makes for photos."""

from __future__ import annotations

import io
import itertools
import secrets
from dataclasses import dataclass, field

from PIL import Image, UnidentifiedImageError

from .faults import bad_request

THUMBNAIL_SIDES = (90, 320, 800)  # Telegram's "s", "m" and "x" sizes, made when the photo is larger
_FOLDERS = {"photo": "photos", "document": "documents", "sticker": "stickers", "voice": "voice", "animation": "animations",
            "video": "videos"}


@dataclass
class StoredFile:
    """One file: its ids, bytes, download path and the media object it belongs to (for file_id re-sends)."""

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    media: object = field(default=None, repr=False)

    def describe(self) -> dict:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": len(self.data)}

    def as_file(self) -> dict:
        """The official File object getFile answers with."""
        return {**self.describe(), "file_path": self.file_path}


def open_image(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise bad_request("IMAGE_PROCESS_FAILED") from None
    return image


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._numbers = itertools.count()

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def at_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def add(self, data: bytes, kind: str, suffix: str) -> StoredFile:
        path = f"{_FOLDERS[kind]}/file_{next(self._numbers)}{suffix}"
        stored = StoredFile(secrets.token_urlsafe(36), secrets.token_urlsafe(12), kind, data, path)
        self._by_id[stored.file_id] = self._by_path[path] = stored
        return stored

    def photo(self, data: bytes) -> list[dict]:
        """PhotoSize entries, smallest first: JPEG thumbnails, then the original bytes at full size."""
        image = open_image(data)
        sizes = []
        for side in THUMBNAIL_SIDES:
            if max(image.size) > side:
                thumbnail = image.convert("RGB")
                thumbnail.thumbnail((side, side))
                buffer = io.BytesIO()
                thumbnail.save(buffer, "JPEG")
                sizes.append(self._size(buffer.getvalue(), thumbnail.size))
        sizes.append(self._size(data, image.size))
        for size in sizes:
            self._by_id[size["file_id"]].media = sizes
        return sizes

    def _size(self, data: bytes, dimensions: tuple[int, int]) -> dict:
        stored = self.add(data, "photo", ".jpg")
        return {**stored.describe(), "width": dimensions[0], "height": dimensions[1]}

    def media(self, data: bytes, kind: str, suffix: str, fields: dict) -> dict:
        """A Document, Sticker or Voice object for `data`, `fields` adding its type-specific parts."""
        stored = self.add(data, kind, suffix)
        stored.media = {**stored.describe(), **fields}
        return stored.media
