"""Training nodes, demo style: a dataset folder, resizing, a "training" that learns the pictures' look, and its file."""
from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

from adapters.comfyui.demo.context import RunContext
from adapters.comfyui.demo.files import IMAGE_SUFFIXES
from adapters.comfyui.demo.nodes_model import Latent, Model
from adapters.comfyui.demo.style import Style, learn_style, lora_file


@dataclass(frozen=True)
class LoraWeights:
    style: Style
    rank: int
    seed: int


async def load_dataset(ctx: RunContext, folder: str):
    """Every picture of input/<folder> and its caption (the .txt beside it), as two lists."""
    root = ctx.files.path("input", folder)
    names = sorted(f for f in os.listdir(root) if f.lower().endswith(IMAGE_SUFFIXES))
    if not names:
        raise ValueError("No valid images found in input")
    pictures, captions = [], []
    for name in names:
        with Image.open(os.path.join(root, name)) as opened:
            pictures.append(ImageOps.exif_transpose(opened).convert("RGB"))
        text = os.path.join(root, os.path.splitext(name)[0] + ".txt")
        captions.append(open(text, encoding="utf-8").read().strip() if os.path.exists(text) else "")
    return (pictures, captions), None


async def resize_shorter_edge(ctx: RunContext, images: list[Image.Image], shorter_edge: int):
    def fit(i: Image.Image) -> Image.Image:
        factor = shorter_edge / min(i.size)
        return i.resize((max(1, round(i.width * factor)), max(1, round(i.height * factor))), Image.Resampling.LANCZOS)
    return ([await ctx.cpu(fit, i) for i in images],), None


async def center_crop(ctx: RunContext, images: list[Image.Image], width: int, height: int):
    return ([ImageOps.fit(i, (width, height)) for i in images],), None


async def train(ctx: RunContext, model: Model, latents: Latent, positive: str | list[str], steps: int,
                learning_rate: float, rank: int, seed: int):
    """One reported step at a time; what it learns is the pictures' colours and average look."""
    rng, losses = random.Random(seed), []
    async for step in ctx.steps(steps):
        losses.append(0.05 + 0.1 * math.exp(-step * learning_rate * 2000 / steps) + rng.uniform(0.0, 0.01))
    captions = positive if isinstance(positive, list) else [positive]
    style = await ctx.cpu(learn_style, list(latents.pixels), captions)
    return (Model(model.checkpoint, (*model.loras, (style, 1.0))), LoraWeights(style, rank, seed),
            {"loss": losses}, steps), None


async def save_lora(ctx: RunContext, lora: LoraWeights, prefix: str, steps: int | None = None):
    """`<prefix>_<steps>_steps_<counter>_.safetensors` under output/, listed nowhere in history (as in ComfyUI)."""
    folder, stem, counter, _ = ctx.files.save_path(prefix, "output")
    name = f"{stem}_{counter:05}_.safetensors" if steps is None else f"{stem}_{steps}_steps_{counter:05}_.safetensors"
    data = lora_file(lora.style, lora.rank, lora.seed, steps or 0)
    await ctx.cpu(_write, os.path.join(folder, name), data)
    return (), None


async def plot_loss(ctx: RunContext, loss: dict, filename_prefix: str):
    """The loss curve as a temporary picture, shown like a preview."""
    folder, stem, counter, subfolder = ctx.files.save_path(f"{filename_prefix}_demo", "temp")
    name = f"{stem}_{counter:05}_.png"
    await ctx.cpu(_chart, loss["loss"], os.path.join(folder, name))
    return (), {"images": [{"filename": name, "subfolder": subfolder, "type": "temp"}], "animated": [False]}


def _chart(values: list[float], path: str) -> None:
    width, height, low, high = 400, 200, min(values), max(values)
    picture = Image.new("RGB", (width, height), "white")
    points = [(10 + i * (width - 20) / max(1, len(values) - 1),
               height - 10 - (v - low) / ((high - low) or 1) * (height - 20)) for i, v in enumerate(values)]
    ImageDraw.Draw(picture).line(points, fill=(91, 91, 214), width=2)
    picture.save(path, "PNG")


def _write(path: str, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)
