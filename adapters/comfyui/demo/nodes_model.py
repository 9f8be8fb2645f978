"""Model nodes, demo style: loaders, text encoding, latents and a sampler whose "latent" is the recipe of a picture."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from adapters.comfyui.demo.context import RunContext
from adapters.comfyui.demo.painting import Recipe, paint
from adapters.comfyui.demo.style import Style, style_of_file


@dataclass(frozen=True)
class Model:
    checkpoint: str
    loras: tuple[tuple[Style, float], ...] = ()


@dataclass(frozen=True)
class Latent:
    width: int
    height: int
    batch: int
    pixels: tuple[Image.Image, ...] = ()  # VAEEncode's source pictures
    recipe: Recipe | None = None  # what KSampler made of it


async def load_checkpoint(ctx: RunContext, ckpt_name: str):
    model = Model(ckpt_name)
    return (model, model, "vae"), None


async def load_lora(ctx: RunContext, model: Model, clip: Model, lora_name: str, strength_model: float,
                    strength_clip: float):
    style = style_of_file(await ctx.cpu(Path(ctx.files.lora_path(lora_name)).read_bytes))
    return (replace(model, loras=(*model.loras, (style, strength_model))),
            replace(clip, loras=(*clip.loras, (style, strength_clip)))), None


async def encode_text(ctx: RunContext, clip: Model, text: str | list[str]):
    """The conditioning is the text itself (a dataset's captions arrive as a list)."""
    return (text,), None


async def empty_latent(ctx: RunContext, width: int, height: int, batch_size: int):
    return (Latent(width, height, batch_size),), None


async def encode_pixels(ctx: RunContext, pixels: list[Image.Image], vae: str):
    return (Latent(pixels[0].width, pixels[0].height, len(pixels), pixels=tuple(pixels)),), None


async def sample(ctx: RunContext, model: Model, seed: int, steps: int, cfg: float, sampler_name: str, scheduler: str,
                 positive: str, negative: str, latent_image: Latent, denoise: float):
    async for _ in ctx.steps(steps):
        pass
    recipe = Recipe(prompt=str(positive), seed=seed, steps=steps, cfg=cfg, width=latent_image.width,
                    height=latent_image.height, batch=latent_image.batch, denoise=denoise, loras=model.loras,
                    sources=latent_image.pixels)
    return (replace(latent_image, recipe=recipe),), None


async def decode(ctx: RunContext, samples: Latent, vae: str):
    if samples.recipe is None:
        return (list(samples.pixels),), None
    return ([await ctx.cpu(paint, samples.recipe, index) for index in range(samples.batch)],), None
