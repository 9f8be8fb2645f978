"""What a demo "LoRA" holds: the colours and the average look of its training pictures, as a real .safetensors file."""
from __future__ import annotations

import hashlib
import json
import random
import struct
from dataclasses import dataclass

from PIL import Image

Color = tuple[int, int, int]
MEAN_SIZE = 8  # the learned average picture is this many pixels square
WIDTH = 64  # the stand-in weight matrices are WIDTH x rank (so a higher rank makes a bigger file, as it does)


@dataclass(frozen=True)
class Style:
    palette: tuple[Color, ...]  # four colours, darkest first
    mean: bytes  # MEAN_SIZE x MEAN_SIZE RGB pixels
    trigger: str = ""

    def mean_image(self, size: tuple[int, int]) -> Image.Image:
        return Image.frombytes("RGB", (MEAN_SIZE, MEAN_SIZE), self.mean).resize(size, Image.Resampling.BICUBIC)


def learn_style(pictures: list[Image.Image], captions: list[str]) -> Style:
    """The dataset's four main colours, its average picture, and the trigger word its captions start with."""
    small = [p.convert("RGB").resize((MEAN_SIZE, MEAN_SIZE), Image.Resampling.BOX) for p in pictures]
    mean = small[0]
    for number, picture in enumerate(small[1:], start=2):
        mean = Image.blend(mean, picture, 1 / number)
    sheet = Image.new("RGB", (32 * len(pictures), 32))
    for number, picture in enumerate(pictures):
        sheet.paste(picture.convert("RGB").resize((32, 32)), (32 * number, 0))
    colours = sheet.quantize(colors=4).getpalette() or []
    palette = sorted({tuple(colours[i:i + 3]) for i in range(0, min(len(colours), 12), 3)}, key=sum)
    firsts = {c.split(",")[0].strip() for c in captions if "," in c}
    return Style(_four(palette), mean.tobytes(), firsts.pop() if len(firsts) == 1 else "")


def style_of_file(data: bytes) -> Style:
    """A demo LoRA's style; any other .safetensors file (an operator's LoRA) gets one made from its bytes."""
    try:
        header, body = _read(data)
        colours, mean = _tensor(header, body, "demo.palette"), _tensor(header, body, "demo.mean")
        meta = header.get("__metadata__", {})
        return Style(_four([tuple(colours[i:i + 3]) for i in range(0, len(colours), 3)]), mean, meta.get("trigger", ""))
    except (KeyError, ValueError, struct.error):
        digest = hashlib.sha256(data[:65536]).digest()
        palette = sorted((tuple(digest[i:i + 3]) for i in range(0, 12, 3)), key=sum)
        return Style(_four(palette), bytes(digest[i % 32] for i in range(MEAN_SIZE * MEAN_SIZE * 3)))


def lora_file(style: Style, rank: int, seed: int, steps: int) -> bytes:
    """A .safetensors file: the style as two U8 tensors, weight matrices of the rank asked for, and metadata."""
    rng = random.Random(seed)
    weights = [rng.gauss(0.0, 0.01) for _ in range(WIDTH * rank)]
    tensors = {
        "demo.palette": ("U8", [4, 3], bytes(v for colour in style.palette for v in colour)),
        "demo.mean": ("U8", [MEAN_SIZE, MEAN_SIZE, 3], style.mean),
        "lora_unet_demo.lora_down.weight": ("F32", [rank, WIDTH], struct.pack(f"<{len(weights)}f", *weights)),
        "lora_unet_demo.lora_up.weight": ("F32", [WIDTH, rank], struct.pack(f"<{len(weights)}f", *weights[::-1])),
    }
    header: dict = {"__metadata__": {"made_by": "StationThis demo worker (not a real model)",
                                     "trigger": style.trigger, "steps": str(steps)}}
    offset = 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + b"".join(raw for _, _, raw in tensors.values())


def _read(data: bytes) -> tuple[dict, bytes]:
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    if not isinstance(header, dict):
        raise ValueError("not a safetensors header")
    return header, data[8 + length:]


def _tensor(header: dict, body: bytes, name: str) -> bytes:
    start, end = header[name]["data_offsets"]
    return body[start:end]


def _four(colours: list) -> tuple[Color, ...]:
    padded = (list(colours) or [(128, 128, 128)]) * 4
    return tuple((int(r), int(g), int(b)) for r, g, b in padded[:4])
