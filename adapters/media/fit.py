"""Shrink an image until it fits a byte limit and a width + height limit."""
from __future__ import annotations

from typing import Iterator

from PIL import Image

from adapters.media.encoding import encode, flattened

ATTEMPTS = 4
SHRINK = 0.7
JPEG_QUALITIES = (90, 80, 70)


def fit(image: Image.Image, max_bytes: int, max_side_sum: int | None = None) -> bytes | None:
    """PNG, then JPEG at decreasing quality, at decreasing scales; None if nothing fits."""
    width, height = image.size
    scale = 1.0 if max_side_sum is None else min(1.0, max_side_sum / (width + height))
    for _ in range(ATTEMPTS):
        size = (max(1, int(width * scale)), max(1, int(height * scale)))
        resized = image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)
        for data in _encodings(resized):
            if len(data) <= max_bytes:
                return data
        scale *= SHRINK
    return None


def _encodings(image: Image.Image) -> Iterator[bytes]:
    yield encode(image, "PNG")
    opaque = flattened(image)
    for quality in JPEG_QUALITIES:
        yield encode(opaque, "JPEG", quality=quality)
