"""Run the stand-in by hand: `python -m tests.standins.comfyui --port 8188` (127.0.0.1 only)."""
from __future__ import annotations

import argparse
import asyncio

from .standin import ComfyUIStandin


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.standins.comfyui", description=__doc__)
    parser.add_argument("--port", type=int, default=8188)
    parser.add_argument("--base-dir", help="holds input/ output/ temp/ (default: a temporary dir)")
    parser.add_argument("--checkpoint", action="append", help="a checkpoint name to offer (repeatable)")
    parser.add_argument("--lora", action="append", default=[], help="a LoRA name to offer (repeatable)")
    parser.add_argument("--upscale-model", action="append", help="an upscale model name (repeatable)")
    parser.add_argument("--step-delay", type=float, default=0.05, help="seconds per sampling step")
    parser.add_argument("--extension-secret", help="serve the StationThis worker extension with this shared secret")
    parser.add_argument("--pack", action="append", default=[], help="install a custom node pack of packs/ (repeatable)")
    parser.add_argument("--preview-rate", type=float, help="send preview frames while sampling, at most this many a "
                                                           "second (as ComfyUI does with --preview-method)")
    return parser.parse_args()


async def serve(args: argparse.Namespace) -> None:
    standin = ComfyUIStandin(
        args.base_dir, port=args.port, checkpoints=args.checkpoint or ["sd15.safetensors"], loras=args.lora,
        upscale_models=args.upscale_model or ["4x.pth"], step_delay=args.step_delay,
        extension_secret=args.extension_secret, packs=tuple(args.pack), preview_rate=args.preview_rate,
    )
    async with standin:
        print(f"ComfyUI stand-in listening on {standin.url} (files in {standin.base_dir})", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    try:
        asyncio.run(serve(parse_args()))
    except KeyboardInterrupt:
        pass
