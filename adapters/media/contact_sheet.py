"""Lay images out as one PNG grid of labelled thumbnails."""
from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

from adapters.media.encoding import encode

CELL = 256
LABEL_HEIGHT = 22
GAP = 8
COLUMNS = 5


def contact_sheet(images: list[bytes], labels: list[str]) -> bytes:
    if not images:
        raise ValueError("A contact sheet needs at least one image.")
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels.")
    columns = min(COLUMNS, len(images))
    rows = math.ceil(len(images) / columns)
    sheet = Image.new("RGB", (GAP + columns * (CELL + GAP), GAP + rows * (CELL + LABEL_HEIGHT + GAP)), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=14)
    for number, (data, label) in enumerate(zip(images, labels)):
        left = GAP + (number % columns) * (CELL + GAP)
        top = GAP + (number // columns) * (CELL + LABEL_HEIGHT + GAP)
        thumbnail = _thumbnail(data)
        sheet.paste(thumbnail, (left + (CELL - thumbnail.width) // 2, top + (CELL - thumbnail.height) // 2), thumbnail)
        draw.text((left, top + CELL + 4), _truncated(label, font), fill="black", font=font)
    return encode(sheet, "PNG")


def _thumbnail(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (CELL, CELL))  # JPEGs decode at a reduced scale: much faster
        image.thumbnail((CELL, CELL))
        return image.convert("RGBA")


def _truncated(label: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> str:
    if font.getlength(label) <= CELL:
        return label
    while label and font.getlength(label + "…") > CELL:
        label = label[:-1]
    return label + "…"
