"""LoRA training nodes of comfy_extras/nodes_train.py: TrainLoraNode, SaveLoRANode, loader, loss plot."""
from __future__ import annotations

import datetime
import math
import os
import random

from PIL import Image, ImageDraw, ImageFont

from .context import NodeContext
from .env import save_path
from .lora_file import make_lora, write_safetensors
from .pixels import png_info
from .schema import NodeSpec

TRAIN = "comfy_extras.nodes_train"


async def train(ctx: NodeContext, model, latents, positive, batch_size, grad_accumulation_steps, steps,
                learning_rate, rank, optimizer, loss_function, seed, training_dtype, lora_dtype, algorithm,
                gradient_checkpointing, existing_lora):
    """Takes `steps * step_delay`; like the real node it sends no progress and ignores interrupts."""
    count = len(latents["samples"])
    if len(positive) != count and not (len(positive) == 1 and count > 1):
        raise ValueError(f"Number of positive conditions ({len(positive)}) does not match number of images ({count}).")
    existing_steps = 0
    if existing_lora != "[None]":
        if existing_lora not in ctx.env.model_list("loras"):
            raise FileNotFoundError(f"Model in folder 'loras' with filename '{existing_lora}' not found.")
        existing_steps = int(existing_lora.split("_steps_")[0].split("_")[-1])
    rng = random.Random(seed)
    losses = []
    for step in range(steps):
        await ctx.step()
        losses.append(0.05 + 0.1 * math.exp(-step * learning_rate * 2000 / steps) + rng.uniform(0.0, 0.01))
    patched = {**model, "loras": (*model["loras"], ("trained", 1.0))}
    return (patched, make_lora(seed, rank, lora_dtype), {"loss": losses}, steps + existing_steps), None


async def save_lora(ctx: NodeContext, lora, prefix, steps=None):
    """Writes output/<prefix dir>/<name>[_<steps>_steps]_<counter>_.safetensors and shows nothing."""
    folder, stem, counter, _subfolder = save_path(prefix, ctx.env.dir("output"))
    name = f"{stem}_{counter:05}_.safetensors" if steps is None else f"{stem}_{steps}_steps_{counter:05}_.safetensors"
    write_safetensors(os.path.join(folder, name), lora)
    return (), None


async def load_lora_model(ctx: NodeContext, model, lora, strength_model):
    if strength_model == 0:
        return (model,), None
    return ({**model, "loras": (*model["loras"], ("trained", strength_model))},), None


async def plot_loss(ctx: NodeContext, loss, filename_prefix, prompt=None, extra_pnginfo=None):
    """LossGraphNode.plot_loss: an 840x520 line chart in temp/ named by the current second."""
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
    name = f"{filename_prefix}_{datetime.datetime.now().strftime('%Y%m%d_%H%M%S')}.png"
    image.save(os.path.join(ctx.env.dir("temp"), name), pnginfo=png_info(prompt, extra_pnginfo))
    return (), {"images": [{"filename": name, "subfolder": "", "type": "temp"}]}


def int_input(default, low, high, **extra):
    return ("INT", {"default": default, "min": low, "max": high, **extra})


SPECS = [
    NodeSpec("TrainLoraNode", "Train LoRA", "training", train,
             required={"model": ("MODEL",), "latents": ("LATENT",), "positive": ("CONDITIONING",),
                       "batch_size": int_input(1, 1, 10000, step=1),
                       "grad_accumulation_steps": int_input(1, 1, 1024, step=1),
                       "steps": int_input(16, 1, 100000),
                       "learning_rate": ("FLOAT", {"default": 0.0005, "min": 0.0000001, "max": 1.0,
                                                   "step": 0.000001}),
                       "rank": int_input(8, 1, 128),
                       "optimizer": (["AdamW", "Adam", "SGD", "RMSprop"], {"default": "AdamW"}),
                       "loss_function": (["MSE", "L1", "Huber", "SmoothL1"], {"default": "MSE"}),
                       "seed": int_input(0, 0, 0xFFFFFFFFFFFFFFFF),
                       "training_dtype": (["bf16", "fp32"], {"default": "bf16"}),
                       "lora_dtype": (["bf16", "fp32"], {"default": "bf16"}),
                       "algorithm": (["LoRA", "LoHa", "LoKr", "OFT"], {"default": "LoRA"}),
                       "gradient_checkpointing": ("BOOLEAN", {"default": True}),
                       "existing_lora": (lambda env: env.model_list("loras") + ["[None]"], {"default": "[None]"})},
             outputs=("MODEL", "LORA_MODEL", "LOSS_MAP", "INT"),
             output_names=("model_with_lora", "lora", "loss", "steps"),
             python_module=TRAIN, experimental=True),
    NodeSpec("SaveLoRANode", "Save LoRA Weights", "loaders", save_lora,
             required={"lora": ("LORA_MODEL",), "prefix": ("STRING", {"default": "loras/ComfyUI_trained_lora"})},
             optional={"steps": ("INT", {"forceInput": True})}, output_node=True, python_module=TRAIN,
             experimental=True),
    NodeSpec("LoraModelLoader", "Load LoRA Model", "loaders", load_lora_model,
             required={"model": ("MODEL",), "lora": ("LORA_MODEL",),
                       "strength_model": ("FLOAT", {"default": 1.0, "min": -100.0, "max": 100.0, "step": 0.01})},
             outputs=("MODEL",), python_module=TRAIN, experimental=True,
             description="Load Trained LoRA weights from Train LoRA node."),
    NodeSpec("LossGraphNode", "Plot Loss Graph", "training", plot_loss,
             required={"loss": ("LOSS_MAP", {"default": {}}), "filename_prefix": ("STRING", {"default": "loss_graph"})},
             hidden={"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}, output_node=True, python_module=TRAIN,
             experimental=True, description="Plots the loss graph and saves it to the output directory."),
]
