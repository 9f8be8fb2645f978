"""An animated WEBP or PNG as an animated GIF: the animation format every chat app plays."""
from __future__ import annotations

import io

from PIL import Image, ImageSequence

MAX_FRAMES = 500


def animated_gif(image: Image.Image) -> bytes | None:
    """Every frame with its duration, looping forever; None for a still picture."""
    if not 2 <= getattr(image, "n_frames", 1) <= MAX_FRAMES:
        return None
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        frames.append(frame.convert("RGB"))
        durations.append(int(frame.info.get("duration") or 100))
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0, disposal=2)
    return out.getvalue()
