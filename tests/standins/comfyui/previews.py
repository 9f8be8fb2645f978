"""Preview frames as ComfyUI 0.8 sends them while sampling: type 1 (format + JPEG) or type 4 (metadata + JPEG).

The picture is a real latent2rgb preview recorded from ComfyUI, with a JPEG comment naming the prompt and step, so
tests can tell whose preview a frame was (Pillow reads it as `Image.open(...).info["comment"]`)."""
from __future__ import annotations

import functools
import json
import time

from .recorded import RECORDINGS

PREVIEW_IMAGE, PREVIEW_WITH_METADATA, JPEG = 1, 4, 1


@functools.cache
def recorded_jpeg() -> bytes:
    frame = (RECORDINGS / "frames" / "txt2img_previews_01.bin").read_bytes()
    return frame[8:]


def labelled(prompt_id: str, value: int, total: int) -> bytes:
    """The recorded JPEG with a COM segment right after its start-of-image marker."""
    comment = f"{prompt_id} {value}/{total}".encode()
    image = recorded_jpeg()
    return image[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + image[2:]


def frame(prompt_id: str, node_id: str, image: bytes, with_metadata: bool) -> bytes:
    if not with_metadata:  # server.send_image: event type, image format, the picture
        return PREVIEW_IMAGE.to_bytes(4, "big") + JPEG.to_bytes(4, "big") + image
    metadata = json.dumps({"node_id": node_id, "prompt_id": prompt_id, "display_node_id": node_id,
                           "parent_node_id": None, "real_node_id": node_id, "image_type": "image/jpeg"}).encode()
    return PREVIEW_WITH_METADATA.to_bytes(4, "big") + len(metadata).to_bytes(4, "big") + metadata + image


class PreviewPace:
    """At most `rate` frames a second per prompt (None: the worker runs without a preview method)."""

    def __init__(self) -> None:
        self._last = 0.0

    def due(self, rate: float | None) -> bool:
        now = time.monotonic()
        if rate is None or now - self._last < 1.0 / rate:
            return False
        self._last = now
        return True
