"""A picture's fingerprint: a 64-bit difference hash (its structure) and its mean colour (24 bits) below it.
Near-identical pictures (resized, re-encoded) differ in a few hash bits and hardly in colour."""
from __future__ import annotations

from PIL import Image, ImageStat


def fingerprint(image: Image.Image) -> int:
    """dHash bits say whether a pixel of a 9×8 greyscale thumbnail is brighter than its right neighbour."""
    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = small.tobytes()
    bits = 0
    for row in range(8):
        for column in range(8):
            bits = (bits << 1) | (pixels[row * 9 + column] > pixels[row * 9 + column + 1])
    red, green, blue = (min(255, round(c)) for c in ImageStat.Stat(image.convert("RGB")).mean)
    return (bits << 24) | (red << 16) | (green << 8) | blue
