"""LoRA training nodes of ComfyUI 0.8's comfy_extras/nodes_train.py: TrainLoraNode, SaveLoRA, LossGraphNode."""
from __future__ import annotations

import math
import os
import random

from PIL import Image, ImageDraw, ImageFont

from .context import NodeContext
from .env import save_path
from .lora_file import make_lora, write_safetensors
from .pixels import save_images
from .schema import NodeRun


async def train(ctx: NodeContext, model, latents, positive, steps, learning_rate, rank, seed, lora_dtype,
                existing_lora, **settings):
    """Every input arrives as a list (is_input_list); one `progress` per step, as ComfyUI 0.8's ProgressBar sends."""
    steps, learning_rate, rank, seed = steps[0], learning_rate[0], rank[0], seed[0]
    count = sum(len(latent["samples"]) for latent in latents)
    conditions = [c for condition in positive for c in condition]
    if len(conditions) not in (1, count):
        raise ValueError(f"Number of positive conditions ({len(conditions)}) does not match number of images ({count}).")
    existing_steps = 0
    if existing_lora[0] != "[None]":
        if existing_lora[0] not in ctx.env.model_list("loras"):
            raise FileNotFoundError(f"Model in folder 'loras' with filename '{existing_lora[0]}' not found.")
        existing_steps = int(existing_lora[0].split("_steps_")[0].split("_")[-1])
    rng = random.Random(seed)
    losses = []
    for step in range(steps):
        await ctx.step()
        losses.append(0.05 + 0.1 * math.exp(-step * learning_rate * 2000 / steps) + rng.uniform(0.0, 0.01))
        await ctx.progress(step + 1, steps)
    patched = {**model[0], "loras": (*model[0]["loras"], ("trained", 1.0))}
    return (patched, make_lora(seed, rank, lora_dtype[0]), {"loss": losses}, steps + existing_steps), None


async def save_lora(ctx: NodeContext, lora, prefix, steps=None):
    """Writes output/<prefix dir>/<name>[_<steps>_steps]_<counter>_.safetensors and shows nothing."""
    folder, stem, counter, _subfolder = save_path(prefix, ctx.env.dir("output"))
    name = f"{stem}_{counter:05}_.safetensors" if steps is None else f"{stem}_{steps}_steps_{counter:05}_.safetensors"
    write_safetensors(os.path.join(folder, name), lora)
    return (), None


async def plot_loss(ctx: NodeContext, loss, filename_prefix, prompt=None, extra_pnginfo=None):
    """LossGraphNode: an 840x520 line chart shown like PreviewImage (a temp PNG)."""
    values, (width, height, margin) = loss["loss"], (800, 480, 40)
    low, high = min(values), max(values)
    scaled = [(v - low) / (high - low) for v in values]
    image = Image.new("RGB", (width + margin, height + margin), "white")
    draw, font = ImageDraw.Draw(image), ImageFont.load_default()
    previous = (margin, height - int(scaled[0] * height))
    for i, value in enumerate(scaled[1:], start=1):
        point = (margin + int(i / len(values) * width), height - int(value * height))
        draw.line([previous, point], fill="blue", width=2)
        previous = point
    draw.line([(margin, 0), (margin, height)], fill="black", width=2)
    draw.line([(margin, height), (width + margin, height)], fill="black", width=2)
    draw.text((5, height // 2), "Loss", font=font, fill="black")
    draw.text((width // 2, height + 10), "Steps", font=font, fill="black")
    draw.text((margin - 30, 0), f"{high:.2f}", font=font, fill="black")
    draw.text((margin - 30, height - 10), f"{low:.2f}", font=font, fill="black")
    prefix = "ComfyUI_temp_" + "".join(random.choice("abcdefghijklmnopqrstupvxyz") for _ in range(5))
    results = save_images([image], prefix, ctx.env.dir("temp"), "temp", 1, prompt, extra_pnginfo)
    return (), {"images": results, "animated": [False]}


RUNS = [
    NodeRun("TrainLoraNode", train, input_is_list=True), NodeRun("SaveLoRA", save_lora),
    NodeRun("LossGraphNode", plot_loss, hidden={"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}),
]
