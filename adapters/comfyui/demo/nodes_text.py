"""Text nodes: core PreviewAny, and the custom node packs' captioner (Florence-2) and prompt writer (Searge's LLM
node) as the demo worker plays them, with no model: words from the picture's own pixels, or the prompt widened."""
from __future__ import annotations

import json
from typing import Any

from PIL import Image, ImageStat

from adapters.comfyui.demo.context import RunContext

LLM_MODELS = ("Llama-3.2-3B-Instruct-Q4_K_M.gguf",)
FLORENCE2_MODELS = ("microsoft/Florence-2-base", "microsoft/Florence-2-large", "MiaoshouAI/Florence-2-base-PromptGen-v2.0",
                    "MiaoshouAI/Florence-2-large-PromptGen-v2.0")
FLORENCE2_TASKS = ("caption", "detailed_caption", "more_detailed_caption", "prompt_gen_tags", "prompt_gen_mixed_caption")
DEMO_WORDS = "highly detailed, soft natural light, sharp focus"
_COLOURS = {"red": (200, 40, 40), "orange": (230, 140, 30), "yellow": (230, 220, 60), "green": (50, 170, 70),
            "blue": (50, 70, 200), "purple": (140, 60, 180), "pink": (230, 130, 180), "brown": (120, 80, 40),
            "grey": (128, 128, 128), "black": (15, 15, 15), "white": (240, 240, 240)}


async def preview_any(ctx: RunContext, source: Any = None):
    """As comfy_extras/nodes_preview_any.py shows a value in the history: a string as it is, else as JSON."""
    text = source if isinstance(source, str) else json.dumps(source, indent=4, default=str)
    return (), {"text": [text]}


async def load_florence2(ctx: RunContext, model: str, precision: str, attention: str):
    return ({"model": model},), None


async def florence2_run(ctx: RunContext, image: list[Image.Image], florence2_model: dict, text_input: str, task: str,
                        fill_mask: bool, **options: Any):
    """A caption per picture from its colours and size, joined by newlines as the pack does; the picture passes on."""
    captions = [await ctx.cpu(_describe, picture.convert("RGB"), task) for picture in image]
    return (image, [Image.new("L", p.size, 0) for p in image], "\n".join(captions), {}, 0), None


async def searge_llm(ctx: RunContext, text: str, random_seed: int, model: str, max_tokens: int,
                     apply_instructions: bool, instructions: str):
    widened = f"{text.strip().rstrip('.')}, {DEMO_WORDS}" if apply_instructions else text.strip()
    return (widened[:max_tokens * 4], text), None


def _describe(picture: Image.Image, task: str) -> str:
    width, height = picture.size
    halves = [picture.crop((0, 0, max(1, width // 2), height)), picture.crop((width // 2, 0, width, height))]
    left, right = (_colour(tuple(ImageStat.Stat(half).mean)) for half in halves)
    light = "bright" if ImageStat.Stat(picture.convert("L")).mean[0] > 128 else "dark"
    if task == "prompt_gen_tags":
        return ", ".join(dict.fromkeys([left, right, light, f"{width}x{height}"]))
    detail = f", {width} by {height} pixels" if task != "caption" else ""
    return f"a {light} picture in {left if left == right else f'{left} and {right}'}{detail}"


def _colour(rgb: tuple[float, ...]) -> str:
    return min(_COLOURS, key=lambda name: sum((a - b) ** 2 for a, b in zip(_COLOURS[name], rgb)))
