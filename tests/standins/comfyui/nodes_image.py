"""Image nodes: save, preview, load an uploaded file, scale, and model upscaling with progress."""
from __future__ import annotations

import math
import os
import random

from .context import NodeContext
from .pixels import UPSCALE_METHODS, center_crop, load_rgb_and_mask, save_images, scale
from .schema import NodeSpec, v3_combo

MAX_RESOLUTION = 16384
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


SPECS = [
    NodeSpec("SaveImage", "Save Image", "image", save_image,
             required={"images": ("IMAGE", {"tooltip": "The images to save."}),
                       "filename_prefix": ("STRING", {"default": "ComfyUI"})},
             hidden=HIDDEN_PNGINFO, output_node=True,
             description="Saves the input images to your ComfyUI output directory."),
    NodeSpec("PreviewImage", "Preview Image", "image", preview_image,
             required={"images": ("IMAGE",)}, hidden=HIDDEN_PNGINFO, output_node=True,
             description="Saves the input images to your ComfyUI output directory."),
    NodeSpec("LoadImage", "Load Image", "image", load_image,
             required={"image": (lambda env: env.input_images(), {"image_upload": True})},
             outputs=("IMAGE", "MASK"), validate=image_exists, validate_args=("image",)),
    NodeSpec("ImageScaleBy", "Upscale Image By", "image/upscaling", scale_by,
             required={"image": ("IMAGE",), "upscale_method": (UPSCALE_METHODS,),
                       "scale_by": ("FLOAT", {"default": 1.0, "min": 0.01, "max": 8.0, "step": 0.01})},
             outputs=("IMAGE",)),
    NodeSpec("ImageScale", "Upscale Image", "image/upscaling", scale_to,
             required={"image": ("IMAGE",), "upscale_method": (UPSCALE_METHODS,),
                       "width": ("INT", {"default": 512, "min": 0, "max": MAX_RESOLUTION, "step": 1}),
                       "height": ("INT", {"default": 512, "min": 0, "max": MAX_RESOLUTION, "step": 1}),
                       "crop": (["disabled", "center"],)},
             outputs=("IMAGE",)),
    NodeSpec("UpscaleModelLoader", "Load Upscale Model", "loaders", load_upscale_model,
             required={"model_name": v3_combo(lambda env: env.model_list("upscale_models"))},
             outputs=("UPSCALE_MODEL",), python_module="comfy_extras.nodes_upscale_model", v3=True),
    NodeSpec("ImageUpscaleWithModel", "Upscale Image (using Model)", "image/upscaling", upscale_with_model,
             required={"upscale_model": ("UPSCALE_MODEL", {}), "image": ("IMAGE", {})},
             outputs=("IMAGE",), python_module="comfy_extras.nodes_upscale_model", v3=True),
]
