"""Refuse unacceptable image bytes, reading only the header until every cheap check has passed."""
from __future__ import annotations

import io
import warnings
from contextlib import contextmanager
from typing import Iterator, Literal

from PIL import Image, ImageOps, UnidentifiedImageError

from ports.media import MediaRejected

ALLOWED = "send PNG, JPEG or WebP"
MIN_SIDE = 64
# Pillow calls the multi-picture JPEGs that many phone cameras write "MPO".
EXTENSIONS = {"PNG": "png", "JPEG": "jpeg", "MPO": "jpeg", "WEBP": "webp"}


def refuse_oversized(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise MediaRejected(f"The file is {len(data) / 1e6:.1f} MB; at most {max_bytes / 1e6:g} MB is allowed.")


def open_header(data: bytes, max_pixels: int) -> Image.Image:
    """Parse the header only; no pixel is decoded yet."""
    # Pillow's warning is ignored here because refuse_bomb checks the size right after, with a clearer message.
    with _refusing_bad_data(max_pixels, bomb_warnings="ignore"):
        return Image.open(io.BytesIO(data))


def extension_of(image: Image.Image) -> str:
    if image.format == "GIF":
        raise MediaRejected(f"GIF images are not accepted, animated or not: {ALLOWED}.")
    if image.format not in EXTENSIONS:
        raise MediaRejected(f"{image.format} images are not accepted: {ALLOWED}.")
    return EXTENSIONS[image.format]


def refuse_bomb(image: Image.Image, max_pixels: int) -> None:
    width, height = image.size
    if width * height > max_pixels:
        raise MediaRejected(f"The image is {width} × {height} pixels ({width * height / 1e6:.3g} megapixels); "
                            f"at most {max_pixels / 1e6:g} megapixels are allowed.")


def refuse_small(image: Image.Image) -> None:
    width, height = image.size
    if min(width, height) < MIN_SIDE:
        raise MediaRejected(f"The image is {width} × {height} pixels; "
                            f"each side must be at least {MIN_SIDE} pixels.")


def decode(image: Image.Image, max_pixels: int) -> Image.Image:
    """Decode every pixel (so a truncated file is caught here) and apply the EXIF orientation."""
    with _refusing_bad_data(max_pixels, bomb_warnings="error"):
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
        return image


@contextmanager
def _refusing_bad_data(max_pixels: int, bomb_warnings: Literal["error", "ignore"]) -> Iterator[None]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(bomb_warnings, Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaRejected(f"The image has too many pixels to open safely; "
                            f"at most {max_pixels / 1e6:g} megapixels are allowed.") from None
    except UnidentifiedImageError:
        raise MediaRejected(f"This is not an image: {ALLOWED}.") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise MediaRejected("The image is damaged or cut short: send the complete file as PNG, JPEG or WebP.") from None
