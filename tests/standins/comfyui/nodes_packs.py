"""The custom node packs' nodes (packs/*.json), run well enough to return real text: Florence-2 captions from the
picture's own pixels, Searge's LLM node widening a prompt. No model is loaded; the words are deterministic."""
from __future__ import annotations

from PIL import Image, ImageStat

from .context import NodeContext
from .schema import NodeRun

_COLOURS = {"red": (200, 40, 40), "orange": (230, 140, 30), "yellow": (230, 220, 60), "green": (50, 170, 70),
            "teal": (40, 160, 160), "blue": (50, 70, 200), "purple": (140, 60, 180), "pink": (230, 130, 180),
            "brown": (120, 80, 40), "grey": (128, 128, 128), "black": (15, 15, 15), "white": (240, 240, 240)}
ASSIST_WORDS = "highly detailed, soft natural light, sharp focus, rich colours"


def colour_name(rgb: tuple[float, ...]) -> str:
    return min(_COLOURS, key=lambda name: sum((a - b) ** 2 for a, b in zip(_COLOURS[name], rgb)))


def describe(image: Image.Image, task: str) -> str:
    """What the picture looks like, from its pixels: the colour of each half and how bright it is."""
    width, height = image.size
    left = colour_name(tuple(ImageStat.Stat(image.crop((0, 0, max(1, width // 2), height))).mean))
    right = colour_name(tuple(ImageStat.Stat(image.crop((width // 2, 0, width, height))).mean))
    light = "bright" if sum(ImageStat.Stat(image.convert("L")).mean) > 128 else "dark"
    if task.startswith("prompt_gen_tags"):
        return ", ".join(dict.fromkeys([left, right, light, f"{width}x{height}"]))
    colours = left if left == right else f"{left} and {right}"
    detail = f", {width} by {height} pixels" if "detailed" in task or task.startswith("prompt_gen") else ""
    return f"a {light} picture in {colours}{detail}"


async def load_florence2(ctx: NodeContext, model, precision, attention, lora=None, convert_to_safetensors=False):
    return ({"model": model, "precision": precision},), None


async def florence2_run(ctx: NodeContext, image, florence2_model, text_input, task, fill_mask,
                        keep_model_loaded=False, max_new_tokens=1024, num_beams=3, do_sample=True,
                        output_mask_select="", seed=1):
    """One caption per picture of the batch (joined by newlines, as the pack does); the image passes through."""
    captions = [describe(picture.convert("RGB"), task)[:max_new_tokens * 4] for picture in image]
    masks = [Image.new("L", picture.size, 0) for picture in image]
    return (image, masks, "\n".join(captions), {}, 0), None


async def searge_llm(ctx: NodeContext, text, random_seed, model, max_tokens, apply_instructions, instructions,
                     adv_options_config=None):
    if model not in ctx.env.model_list("llm_gguf"):
        raise FileNotFoundError(f"No such model: {model}")
    generated = f"{text.strip().rstrip('.')}, {ASSIST_WORDS}" if apply_instructions else text.strip()
    return (generated[:max_tokens * 4], text), None


RUNS = [NodeRun("DownloadAndLoadFlorence2Model", load_florence2), NodeRun("Florence2Run", florence2_run),
        NodeRun("Searge_LLM_Node", searge_llm)]
