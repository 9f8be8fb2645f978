"""Real Pillow pixels: the "sampled" picture, resizing, and saving PNGs the way SaveImage names them."""
from __future__ import annotations

import hashlib
import json
import os

from PIL import Image, ImageDraw, ImageOps
from PIL.PngImagePlugin import PngInfo

from .env import save_path

_RESAMPLE = {
    "nearest-exact": Image.Resampling.NEAREST, "bilinear": Image.Resampling.BILINEAR,
    "area": Image.Resampling.BOX, "bicubic": Image.Resampling.BICUBIC, "lanczos": Image.Resampling.LANCZOS,
}


def render(recipe: str, size: tuple[int, int]) -> Image.Image:
    """A deterministic picture for a sampling recipe: a two-colour gradient with a disc on it."""
    digest = hashlib.sha256(recipe.encode()).digest()
    width, height = size
    ramp = Image.linear_gradient("L").rotate(digest[9] * 360 / 256).resize(size)
    first, second = Image.new("RGB", size, tuple(digest[0:3])), Image.new("RGB", size, tuple(digest[3:6]))
    picture = Image.composite(first, second, ramp)
    cx, cy = digest[10] / 255 * width, digest[11] / 255 * height
    radius = (0.1 + digest[12] / 255 * 0.3) * min(width, height)
    ImageDraw.Draw(picture).ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=tuple(digest[6:9]))
    return picture


def scale(image: Image.Image, method: str, width: int, height: int) -> Image.Image:
    """comfy.utils.common_upscale, which refuses an empty result like torch's interpolate does."""
    if width <= 0 or height <= 0:
        raise RuntimeError(
            "Input and output sizes should be greater than 0, but got input "
            f"(H: {image.height}, W: {image.width}) output (H: {height}, W: {width})"
        )
    return image.resize((width, height), _RESAMPLE[method])


def center_crop(image: Image.Image, width: int, height: int) -> Image.Image:
    return ImageOps.fit(image, (width, height), Image.Resampling.BILINEAR)


def load_rgb_and_mask(path: str) -> tuple[Image.Image, Image.Image]:
    """LoadImage: the RGB picture and a mask of 1 - alpha (64x64 zeros when there is no alpha)."""
    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened)
        if image.mode == "P" and "transparency" in image.info:
            image = image.convert("RGBA")
        if "A" in image.getbands():
            mask = ImageOps.invert(image.getchannel("A"))
        else:
            mask = Image.new("L", (64, 64), 0)
        return image.convert("RGB"), mask


def png_info(prompt: dict | None, extra_pnginfo: dict | None) -> PngInfo:
    """The text chunks ComfyUI writes: the API graph as "prompt", each extra_pnginfo key (the workflow)."""
    metadata = PngInfo()
    if prompt is not None:
        metadata.add_text("prompt", json.dumps(prompt))
    for key, value in (extra_pnginfo or {}).items():
        metadata.add_text(key, json.dumps(value))
    return metadata


def save_images(images: list[Image.Image], prefix: str, output_dir: str, kind: str, compress_level: int,
                prompt: dict | None, extra_pnginfo: dict | None) -> list[dict]:
    """SaveImage.save_images: `<prefix>_<counter:05>_.png`, one per image of the batch."""
    folder, stem, counter, subfolder = save_path(prefix, output_dir)
    metadata = png_info(prompt, extra_pnginfo)
    results = []
    for batch_number, image in enumerate(images):
        file = f"{stem.replace('%batch_num%', str(batch_number))}_{counter:05}_.png"
        image.save(os.path.join(folder, file), pnginfo=metadata, compress_level=compress_level)
        results.append({"filename": file, "subfolder": subfolder, "type": kind})
        counter += 1
    return results
