"""Image nodes: load an upload, scale, "upscale with a model", solid frames, batches, blur and blend, and the savers
(which label)."""
from __future__ import annotations

import os
from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageOps

from adapters.comfyui.demo.context import RunContext
from adapters.comfyui.demo.painting import label

RESAMPLE = {"nearest-exact": Image.Resampling.NEAREST, "bilinear": Image.Resampling.BILINEAR,
            "area": Image.Resampling.BOX, "bicubic": Image.Resampling.BICUBIC, "lanczos": Image.Resampling.LANCZOS}
UPSCALE_TILES = 4  # progress steps of one model upscale


@dataclass(frozen=True)
class UpscaleModel:
    name: str
    scale: int = 4


async def load_image(ctx: RunContext, image: str):
    with Image.open(ctx.files.annotated_path(image)) as opened:
        picture = ImageOps.exif_transpose(opened).convert("RGB")
    return ([picture], [Image.new("L", (64, 64), 0)]), None


async def scale_by(ctx: RunContext, image: list[Image.Image], upscale_method: str, scale_by: float):
    sizes = [(round(i.width * scale_by), round(i.height * scale_by)) for i in image]
    if any(w <= 0 or h <= 0 for w, h in sizes):
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got output {sizes[0]}")
    return ([await ctx.cpu(i.resize, size, RESAMPLE[upscale_method]) for i, size in zip(image, sizes)],), None


async def load_upscale_model(ctx: RunContext, model_name: str):
    return (UpscaleModel(model_name),), None


async def upscale_with_model(ctx: RunContext, upscale_model: UpscaleModel, image: list[Image.Image]):
    async for _ in ctx.steps(UPSCALE_TILES):
        pass
    return ([await ctx.cpu(_enlarge, i, upscale_model.scale) for i in image],), None


async def empty_image(ctx: RunContext, width: int, height: int, batch_size: int, color: int):
    rgb = ((color >> 16) & 255, (color >> 8) & 255, color & 255)
    return ([Image.new("RGB", (width, height), rgb) for _ in range(batch_size)],), None


async def image_batch(ctx: RunContext, image1: list[Image.Image], image2: list[Image.Image]):
    size = image1[0].size
    return ([*image1, *(i if i.size == size else i.resize(size, Image.Resampling.BILINEAR) for i in image2)],), None


async def image_blur(ctx: RunContext, image: list[Image.Image], blur_radius: int, sigma: float):
    return ([await ctx.cpu(i.filter, ImageFilter.GaussianBlur(min(sigma, blur_radius))) for i in image],), None


async def image_blend(ctx: RunContext, image1: list[Image.Image], image2: list[Image.Image], blend_factor: float,
                      blend_mode: str):
    """The "normal" mode of comfy_extras' ImageBlend: the second picture laid over the first by `blend_factor`."""
    if blend_mode != "normal":
        raise ValueError(f"the demo worker blends only in 'normal' mode, not '{blend_mode}'")
    seconds = [i if i.size == image1[0].size else i.resize(image1[0].size) for i in image2 * len(image1)]
    return ([Image.blend(first, second, blend_factor) for first, second in zip(image1, seconds)],), None


async def save_image(ctx: RunContext, images: list[Image.Image], filename_prefix: str):
    folder, stem, counter, subfolder = ctx.files.save_path(filename_prefix, "output")
    saved = []
    for number, picture in enumerate(images):
        name = f"{stem}_{counter + number:05}_.png"
        await ctx.cpu(_save, label(picture), os.path.join(folder, name), "PNG")
        saved.append({"filename": name, "subfolder": subfolder, "type": "output"})
    return (), {"images": saved}


async def save_animated_webp(ctx: RunContext, images: list[Image.Image], filename_prefix: str, fps: float,
                             lossless: bool, quality: int, method: str):
    folder, stem, counter, subfolder = ctx.files.save_path(filename_prefix, "output")
    name, frames = f"{stem}_{counter:05}_.webp", [label(i) for i in images]
    await ctx.cpu(lambda: frames[0].save(os.path.join(folder, name), "WEBP", save_all=True, append_images=frames[1:],
                                         duration=round(1000 / fps), lossless=lossless, quality=quality))
    return (), {"images": [{"filename": name, "subfolder": subfolder, "type": "output"}], "animated": [True]}


def _enlarge(picture: Image.Image, factor: int) -> Image.Image:
    big = picture.resize((picture.width * factor, picture.height * factor), Image.Resampling.LANCZOS)
    return big.filter(ImageFilter.UnsharpMask(radius=2, percent=60))


def _save(picture: Image.Image, path: str, kind: str) -> None:
    picture.save(path, kind, compress_level=4)
