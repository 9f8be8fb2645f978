"""Media port: check, normalise and describe images; make contact sheets and fitted copies."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ImageInfo:
    width: int
    height: int
    format: str
    size: int


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    info: ImageInfo
    extension: str


class MediaRejected(Exception):
    """The file is not an acceptable image; the message says why and what is allowed."""


class MediaProcessor(Protocol):
    def inspect(self, data: bytes) -> ImageInfo:
        """Describe an image or raise MediaRejected."""
    def clean(self, data: bytes) -> CleanImage:
        """Check size, format and pixels (no bombs), apply EXIF orientation, strip metadata."""
    def contact_sheet(self, images: list[bytes], labels: list[str]) -> bytes:
        """One PNG showing every image small, numbered with its label."""
    def fit(self, data: bytes, max_bytes: int, max_side_sum: int | None = None) -> bytes | None:
        """A re-encoded copy within the limits, or None when it cannot be made to fit."""
    def without_metadata(self, data: bytes) -> bytes:
        """The same file, pixels untouched, without text or EXIF/XMP metadata (other files unchanged)."""
    def animated_gif(self, data: bytes) -> bytes | None:
        """An animation (WEBP, PNG, GIF) as an animated GIF, or None for a still picture or an unreadable file."""
    def fingerprint(self, data: bytes) -> int:
        """A perceptual hash (64 bits) above the mean colour (24 bits): near-duplicates differ in few hash bits and
        little in colour. MediaRejected if not an image."""
