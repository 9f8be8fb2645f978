"""Training datasets of ComfyUI 0.8's comfy_extras/nodes_dataset.py: a folder of images and captions, resized and cropped."""
from __future__ import annotations

import os

from PIL import Image, ImageOps

from .context import NodeContext
from .schema import NodeRun

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def _caption(path: str) -> str:
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as caption:
        return caption.read().strip()


def _image_files(root: str) -> list[str]:
    """Images in listing order; kohya-style `N_name/` subfolders repeat N times."""
    paths = []
    for item in os.listdir(root):
        path = os.path.join(root, item)
        if item.lower().endswith(IMAGE_SUFFIXES):
            paths.append(path)
        elif os.path.isdir(path):
            repeat = int(item.split("_")[0]) if item.split("_")[0].isdigit() else 1
            paths.extend([os.path.join(path, f) for f in os.listdir(path) if f.lower().endswith(IMAGE_SUFFIXES)] * repeat)
    return paths


async def load_image_text_set(ctx: NodeContext, folder):
    """Two list outputs: one single-image batch per file, and its caption ("" without a .txt beside it)."""
    paths = _image_files(os.path.join(ctx.env.dir("input"), folder))
    if not paths:
        raise ValueError("No valid images found in input")
    images = []
    for path in paths:
        with Image.open(path) as opened:
            images.append([ImageOps.exif_transpose(opened).convert("RGB")])
    return (images, [_caption(os.path.splitext(p)[0] + ".txt") for p in paths]), None


async def resize_shorter_edge(ctx: NodeContext, images, shorter_edge):
    out = []
    for image in images:
        w, h = image.size
        size = (shorter_edge, int(h * shorter_edge / w)) if w < h else (int(w * shorter_edge / h), shorter_edge)
        out.append(image.resize(size, Image.Resampling.LANCZOS))
    return (out,), None


async def center_crop(ctx: NodeContext, images, width, height):
    out = []
    for image in images:
        left, top = max(0, (image.width - width) // 2), max(0, (image.height - height) // 2)
        out.append(image.crop((left, top, min(image.width, left + width), min(image.height, top + height))))
    return (out,), None


RUNS = [
    NodeRun("LoadImageTextDataSetFromFolder", load_image_text_set),
    NodeRun("ResizeImagesByShorterEdge", resize_shorter_edge), NodeRun("CenterCropImages", center_crop),
]
