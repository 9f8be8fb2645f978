"""LoRA weights as a real safetensors file: 8-byte little-endian header length, JSON header, raw bytes."""
from __future__ import annotations

import json
import random
import struct

LAYERS = (
    "diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q",
    "diffusion_model.middle_block.1.transformer_blocks.0.attn2.to_k",
    "diffusion_model.output_blocks.11.1.transformer_blocks.0.ff.net.2",
)
LAYER_WIDTH = 64
SAFETENSORS_DTYPE = {"bf16": "BF16", "fp32": "F32"}


def _encode(values: list[float], dtype: str) -> bytes:
    as_f32 = struct.pack(f"<{len(values)}f", *values)
    if dtype == "fp32":
        return as_f32
    # bfloat16 is the upper half of each little-endian float32
    return b"".join(as_f32[i + 2:i + 4] for i in range(0, len(as_f32), 4))


def make_lora(seed: int, rank: int, lora_dtype: str) -> dict[str, tuple[str, list[int], bytes]]:
    """Deterministic up/down matrices per layer: name -> (safetensors dtype, shape, bytes)."""
    rng = random.Random(seed)
    tensors = {}
    for layer in LAYERS:
        for part, shape in (("lora_up", [LAYER_WIDTH, rank]), ("lora_down", [rank, LAYER_WIDTH])):
            values = [rng.gauss(0.0, 0.01) for _ in range(shape[0] * shape[1])]
            tensors[f"{layer}.{part}.weight"] = (SAFETENSORS_DTYPE[lora_dtype], shape, _encode(values, lora_dtype))
    return tensors


def write_safetensors(path: str, tensors: dict[str, tuple[str, list[int], bytes]]) -> None:
    header, offset = {}, 0
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(encoded)))
        out.write(encoded)
        for name in sorted(tensors):
            out.write(tensors[name][2])
