"""A picture's 64-bit difference hash: near-identical pictures (resized, re-encoded) differ in a few bits."""
from __future__ import annotations

from PIL import Image


def difference_hash(image: Image.Image) -> int:
    """Each bit says whether a pixel of a 9×8 greyscale thumbnail is brighter than its right neighbour."""
    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = list(small.getdata())
    bits = 0
    for row in range(8):
        for column in range(8):
            left, right = pixels[row * 9 + column], pixels[row * 9 + column + 1]
            bits = (bits << 1) | (left > right)
    return bits
