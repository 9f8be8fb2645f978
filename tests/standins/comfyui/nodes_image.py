"""Image nodes: save, preview, load an uploaded file, invert, scale, and model upscaling with progress."""
from __future__ import annotations

import math
import os
import random

from PIL import ImageOps

from .context import NodeContext
from .pixels import center_crop, load_rgb_and_mask, save_images, scale
from .schema import NodeRun

HIDDEN_PNGINFO = {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}
UPSCALE_FACTOR = 4


async def save_image(ctx: NodeContext, images, filename_prefix, prompt=None, extra_pnginfo=None):
    results = save_images(images, filename_prefix, ctx.env.dir("output"), "output", 4, prompt, extra_pnginfo)
    return (), {"images": results}


async def preview_image(ctx: NodeContext, images, prompt=None, extra_pnginfo=None):
    prefix = "ComfyUI_temp_" + "".join(random.choice("abcdefghijklmnopqrstupvxyz") for _ in range(5))
    results = save_images(images, prefix, ctx.env.dir("temp"), "temp", 1, prompt, extra_pnginfo)
    return (), {"images": results}


async def load_image(ctx: NodeContext, image):
    picture, mask = load_rgb_and_mask(ctx.env.annotated_path(image))
    return ([picture], [mask]), None


def image_exists(env, image) -> bool | str:
    """LoadImage.VALIDATE_INPUTS: any existing file under input/ (or an annotated dir) will do."""
    return True if os.path.exists(env.annotated_path(image)) else f"Invalid image file: {image}"


async def invert(ctx: NodeContext, image):
    return ([ImageOps.invert(i) for i in image],), None


async def scale_by(ctx: NodeContext, image, upscale_method, scale_by):
    return ([scale(i, upscale_method, round(i.width * scale_by), round(i.height * scale_by)) for i in image],), None


async def scale_to(ctx: NodeContext, image, upscale_method, width, height, crop):
    """ImageScale: a 0 side keeps the aspect ratio; both 0 leaves the image alone."""
    if width == 0 and height == 0:
        return (image,), None
    out = []
    for picture in image:
        w = width or max(1, round(picture.width * height / picture.height))
        h = height or max(1, round(picture.height * width / picture.width))
        source = center_crop(picture, w, h) if crop == "center" else picture
        out.append(scale(source, upscale_method, w, h))
    return (out,), None


async def load_upscale_model(ctx: NodeContext, model_name):
    if model_name not in ctx.env.model_list("upscale_models"):
        raise FileNotFoundError(f"Model in folder 'upscale_models' with filename '{model_name}' not found.")
    return ({"upscale_model": model_name, "scale": UPSCALE_FACTOR},), None


async def upscale_with_model(ctx: NodeContext, upscale_model, image):
    """4x, one `progress` per 512px tile (overlap 32), like comfy.utils.tiled_scale."""
    tiles = sum(math.ceil(i.height / 480) * math.ceil(i.width / 480) for i in image)
    for tile in range(tiles):
        await ctx.step()
        await ctx.progress(tile + 1, tiles)
    factor = upscale_model["scale"]
    return ([scale(i, "lanczos", i.width * factor, i.height * factor) for i in image],), None


RUNS = [
    NodeRun("SaveImage", save_image, hidden=HIDDEN_PNGINFO), NodeRun("PreviewImage", preview_image, hidden=HIDDEN_PNGINFO),
    NodeRun("LoadImage", load_image, validate=image_exists, validate_args=("image",)),
    NodeRun("ImageInvert", invert), NodeRun("ImageScaleBy", scale_by), NodeRun("ImageScale", scale_to),
    NodeRun("UpscaleModelLoader", load_upscale_model), NodeRun("ImageUpscaleWithModel", upscale_with_model),
]
