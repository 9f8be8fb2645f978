"""Frames and their savers: EmptyImage, ImageBatch, ImageBlur, ImageBlend, and the animated WEBP/PNG and WEBM savers."""
from __future__ import annotations

import json
import os
from fractions import Fraction

from PIL import Image, ImageChops, ImageFilter
from PIL.PngImagePlugin import PngInfo

from .context import NodeContext
from .env import save_path
from .schema import NodeRun

HIDDEN = {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}
WEBP_METHODS = {"default": 4, "fastest": 0, "slowest": 6}
_BLENDS = {"multiply": ImageChops.multiply, "screen": ImageChops.screen, "overlay": ImageChops.overlay,
           "soft_light": ImageChops.soft_light, "difference": ImageChops.difference}


async def empty_image(ctx: NodeContext, width, height, batch_size, color):
    fill = ((color >> 16) & 0xFF, (color >> 8) & 0xFF, color & 0xFF)
    return ([Image.new("RGB", (width, height), fill) for _ in range(batch_size)],), None


async def image_batch(ctx: NodeContext, image1, image2):
    """One batch of both; the second is resized to the first's size, as ComfyUI does."""
    size = image1[0].size
    return ([*image1, *(i if i.size == size else i.resize(size, Image.Resampling.BILINEAR) for i in image2)],), None


async def image_blur(ctx: NodeContext, image, blur_radius, sigma):
    return ([i.filter(ImageFilter.GaussianBlur(min(sigma * 1.0, blur_radius))) for i in image],), None


async def image_blend(ctx: NodeContext, image1, image2, blend_factor, blend_mode):
    out = []
    for first, second in zip(image1, image2 * len(image1)):
        second = second if second.size == first.size else second.resize(first.size, Image.Resampling.BICUBIC)
        mixed = second if blend_mode == "normal" else _BLENDS[blend_mode](first, second)
        out.append(Image.blend(first, mixed, blend_factor))
    return (out,), None


def _saved(ctx: NodeContext, prefix: str, extension: str) -> tuple[str, dict]:
    folder, stem, counter, subfolder = save_path(prefix, ctx.env.dir("output"))
    file = f"{stem}_{counter:05}_.{extension}"
    return os.path.join(folder, file), {"filename": file, "subfolder": subfolder, "type": "output"}


async def save_animated_webp(ctx: NodeContext, images, filename_prefix, fps, lossless, quality, method,
                             prompt=None, extra_pnginfo=None):
    """The workflow in EXIF (0x0110 "prompt:…", then 0x010f down for extra_pnginfo), like ComfyUI 0.8."""
    path, result = _saved(ctx, filename_prefix, "webp")
    exif = images[0].getexif()
    if prompt is not None:
        exif[0x0110] = f"prompt:{json.dumps(prompt)}"
    for tag, (key, value) in zip(range(0x010F, 0, -1), (extra_pnginfo or {}).items()):
        exif[tag] = f"{key}:{json.dumps(value)}"
    images[0].save(path, save_all=True, duration=int(1000.0 / fps), append_images=images[1:], exif=exif,
                   lossless=lossless, quality=quality, method=WEBP_METHODS[method])
    return (), {"images": [result], "animated": [len(images) > 1]}


async def save_animated_png(ctx: NodeContext, images, filename_prefix, fps, compress_level,
                            prompt=None, extra_pnginfo=None):
    """APNG with the workflow in private `comf` chunks after the image data, like ComfyUI 0.8."""
    path, result = _saved(ctx, filename_prefix, "png")
    metadata = PngInfo()
    for key, value in ([("prompt", prompt)] if prompt is not None else []) + list((extra_pnginfo or {}).items()):
        metadata.add(b"comf", key.encode("latin-1") + b"\0" + json.dumps(value).encode("latin-1"), after_idat=True)
    images[0].save(path, pnginfo=metadata, compress_level=compress_level, save_all=True,
                   duration=int(1000.0 / fps), append_images=images[1:])
    return (), {"images": [result], "animated": [len(images) > 1]}


async def save_webm(ctx: NodeContext, images, filename_prefix, codec, fps, crf, prompt=None, extra_pnginfo=None):
    """A real VP9 WEBM through PyAV, the workflow in the container's metadata, like ComfyUI 0.8's SaveWEBM."""
    import av  # the stand-in's one video dependency, as ComfyUI's

    path, result = _saved(ctx, filename_prefix, "webm")
    with av.open(path, mode="w") as container:
        if prompt is not None:
            container.metadata["prompt"] = json.dumps(prompt)
        for key, value in (extra_pnginfo or {}).items():
            container.metadata[key] = json.dumps(value)
        stream = container.add_stream({"vp9": "libvpx-vp9", "av1": "libsvtav1"}[codec],
                                      rate=Fraction(round(fps * 1000), 1000))
        stream.width, stream.height = images[0].size
        stream.pix_fmt, stream.bit_rate, stream.options = "yuv420p", 0, {"crf": str(crf)}
        for image in images:
            container.mux(stream.encode(av.VideoFrame.from_image(image.convert("RGB"))))
        container.mux(stream.encode())
    return (), {"images": [result], "animated": [True]}


RUNS = [
    NodeRun("EmptyImage", empty_image), NodeRun("ImageBatch", image_batch), NodeRun("ImageBlur", image_blur),
    NodeRun("ImageBlend", image_blend), NodeRun("SaveAnimatedWEBP", save_animated_webp, hidden=HIDDEN),
    NodeRun("SaveAnimatedPNG", save_animated_png, hidden=HIDDEN), NodeRun("SaveWEBM", save_webm, hidden=HIDDEN),
]
