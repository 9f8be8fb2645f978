"""Training datasets of comfy_extras/nodes_train.py: image folders under input/, with .txt captions."""
from __future__ import annotations

import os

from PIL import Image

from .context import NodeContext
from .nodes_train import TRAIN, int_input
from .schema import NodeSpec

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
RESIZE = (["None", "Stretch", "Crop", "Pad"], {"default": "None"})
FOLDER = (lambda env: env.input_subfolders(), {"tooltip": "The folder to load images from."})


def _load_images(paths: list[str], resize_method: str, w: int | None = None, h: int | None = None):
    """load_and_process_images: every picture must match the first one unless a resize method is set."""
    if not paths:
        raise ValueError("No valid images found in input")
    images = []
    for path in paths:
        with Image.open(path) as opened:
            image = opened.convert("RGB")
        if w is None and h is None:
            w, h = image.size
        if image.size != (w, h):
            if resize_method == "None":
                raise ValueError("Your input image size does not match the first image in the dataset. Either "
                                 "select a valid resize method or use the same size for all images.")
            crop = resize_method == "Crop"
            image = image.crop((0, 0, w, h)) if crop else image.resize((w, h), Image.Resampling.LANCZOS)
        images.append(image)
    return images


def _caption(path: str) -> str:
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as caption:
        return caption.read().strip()


async def load_image_set(ctx: NodeContext, folder, resize_method):
    root = os.path.join(ctx.env.dir("input"), folder)
    names = sorted(f for f in os.listdir(root) if f.lower().endswith(IMAGE_SUFFIXES))
    return (_load_images([os.path.join(root, f) for f in names], resize_method),), None


async def load_image_text_set(ctx: NodeContext, folder, clip, resize_method, width=None, height=None):
    """Images plus `<image>.txt` captions; kohya-style `N_name/` subfolders repeat N times."""
    root = os.path.join(ctx.env.dir("input"), folder)
    paths = []
    for item in sorted(os.listdir(root)):
        path = os.path.join(root, item)
        if item.lower().endswith(IMAGE_SUFFIXES):
            paths.append(path)
        elif os.path.isdir(path):
            repeat = int(item.split("_")[0]) if item.split("_")[0].isdigit() else 1
            inner = sorted(f for f in os.listdir(path) if f.lower().endswith(IMAGE_SUFFIXES))
            paths.extend([os.path.join(path, f) for f in inner] * repeat)
    captions = [_caption(os.path.splitext(path)[0] + ".txt") for path in paths]
    images = _load_images(paths, resize_method, None if width == -1 else width, None if height == -1 else height)
    conditions = []
    for text in captions:
        if text == "":  # ComfyUI 0.3.64 adds an extra entry for every caption-less image
            conditions.append([{"text": "", "clip": clip}])
        conditions.append({"text": text, "clip": clip})
    return (images, conditions), None


SPECS = [
    NodeSpec("LoadImageSetFromFolderNode", "Load Image Dataset from Folder", "loaders", load_image_set,
             required={"folder": FOLDER}, optional={"resize_method": RESIZE}, outputs=("IMAGE",),
             python_module=TRAIN, experimental=True,
             description="Loads a batch of images from a directory for training."),
    NodeSpec("LoadImageTextSetFromFolderNode", "Load Image and Text Dataset from Folder", "loaders",
             load_image_text_set, required={"folder": FOLDER, "clip": ("CLIP",)},
             optional={"resize_method": RESIZE, "width": int_input(-1, -1, 10000, step=1),
                       "height": int_input(-1, -1, 10000, step=1)},
             outputs=("IMAGE", "CONDITIONING"), python_module=TRAIN, experimental=True,
             description="Loads a batch of images and caption from a directory for training."),
]
