"""Demo pictures drawn with Pillow from a sampling recipe, each clearly labelled as a demo."""
from __future__ import annotations

import hashlib
import random
import textwrap
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from adapters.comfyui.demo.style import Color, Style

LABEL = "made by StationThis's demo worker, not by a real model"


@dataclass(frozen=True)
class Recipe:
    """What a KSampler was asked for: the picture is a pure function of it."""

    prompt: str
    seed: int
    steps: int
    cfg: float
    width: int
    height: int
    batch: int = 1
    denoise: float = 1.0
    loras: tuple[tuple[Style, float], ...] = ()
    sources: tuple[Image.Image, ...] = field(default=(), compare=False)  # img2img: the pictures to redraw


def paint(recipe: Recipe, index: int) -> Image.Image:
    """Batch item `index`: a gradient and soft shapes in the prompt's colours (pulled towards each LoRA's),
    the LoRA's average picture over it, the source picture under it for img2img, then the prompt and labels."""
    size = (recipe.width, recipe.height)
    rng = random.Random(f"{recipe.prompt}|{recipe.seed + index}")
    palette = prompt_palette(recipe.prompt)
    for style, strength in recipe.loras:
        palette = tuple(_mix(mine, learned, min(abs(strength), 1.0)) for mine, learned in zip(palette, style.palette))
    picture = _gradient(size, palette[0], palette[1])
    shapes = Image.new("RGBA", size)
    draw = ImageDraw.Draw(shapes)
    for _ in range(rng.randint(5, 9)):
        radius = rng.uniform(0.08, 0.3) * min(size)
        x, y = rng.uniform(0, size[0]), rng.uniform(0, size[1])
        box = (x - radius, y - radius, x + radius, y + radius)
        colour = (*rng.choice(palette[2:]), rng.randint(120, 220))
        (draw.ellipse if rng.random() < 0.6 else draw.rectangle)(box, fill=colour)
    blur = max(0.0, 6 - recipe.steps / 5)  # more steps, finer shapes
    picture.alpha_composite(shapes.filter(ImageFilter.GaussianBlur(blur)) if blur else shapes)
    picture = picture.convert("RGB")
    for style, strength in recipe.loras:
        picture = Image.blend(picture, style.mean_image(size), 0.45 * min(abs(strength), 1.0))
    if recipe.sources:
        source = recipe.sources[index % len(recipe.sources)].convert("RGB").resize(size)
        picture = Image.blend(source, picture, 0.2 + 0.7 * recipe.denoise)
    triggers = [style.trigger or "a LoRA" for style, _ in recipe.loras]
    _caption(picture, recipe.prompt, f"with {', '.join(triggers)}" if triggers else "")
    return picture


def label(picture: Image.Image) -> Image.Image:
    """The demo label across the top: on every picture the demo worker saves."""
    picture = picture.convert("RGB")
    size = _text_size(picture.width, 36)
    draw, font, height = ImageDraw.Draw(picture, "RGBA"), ImageFont.load_default(size=size), int(size * 1.7)
    draw.rectangle((0, 0, picture.width, height), fill=(20, 20, 30, 255))
    demo_end = draw.textbbox((size // 2, height // 2), "DEMO", font=font, anchor="lm")[2]
    draw.text((size // 2, height // 2), "DEMO", font=font, fill=(255, 214, 10), anchor="lm",
              stroke_width=max(1, size // 12), stroke_fill=(255, 214, 10))
    draw.text((demo_end + size // 2, height // 2), LABEL, font=font, fill=(255, 255, 255), anchor="lm")
    return picture


def prompt_palette(prompt: str) -> tuple[Color, ...]:
    digest = hashlib.sha256(prompt.strip().lower().encode()).digest()
    return tuple((digest[i], digest[i + 1], digest[i + 2]) for i in range(0, 12, 3))


def _caption(picture: Image.Image, prompt: str, note: str) -> None:
    size = _text_size(picture.width, 22)
    font = ImageFont.load_default(size=size)
    lines = textwrap.wrap(prompt, width=max(12, int(picture.width / (size * 0.55))))[:3] or ["(no prompt)"]
    lines += [note] if note else []
    height = int(size * (1.4 * len(lines) + 0.8))
    draw = ImageDraw.Draw(picture, "RGBA")
    draw.rectangle((0, picture.height - height, picture.width, picture.height), fill=(255, 255, 255, 170))
    for number, line in enumerate(lines):
        y = picture.height - height + int(size * (0.4 + 1.4 * number))
        draw.text((size // 2, y), line, font=font, fill=(20, 20, 30))


def _text_size(width: int, per_line: int) -> int:
    """Pixels per letter so that about `per_line` letters fit across the picture."""
    return max(9, width // per_line)


def _gradient(size: tuple[int, int], top: Color, bottom: Color) -> Image.Image:
    ramp = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGBA", size, (*bottom, 255)), Image.new("RGBA", size, (*top, 255)), ramp)


def _mix(mine: Color, learned: Color, amount: float) -> Color:
    r, g, b = (round(m + (n - m) * amount) for m, n in zip(mine, learned))
    return (r, g, b)
