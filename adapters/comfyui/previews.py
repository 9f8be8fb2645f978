"""ComfyUI's binary preview frames: read the picture and the prompt it belongs to, cheaply, newest kept."""
from __future__ import annotations

import json

PREVIEW_IMAGE, PREVIEW_WITH_METADATA = 1, 4  # protocol.BinaryEventTypes of ComfyUI 0.8
MAX_PREVIEW_BYTES = 4 * 1024 * 1024  # a preview is a small JPEG; anything larger is not one
_IMAGES = (b"\xff\xd8\xff", b"\x89PNG")


def read_frame(frame: bytes, running: str | None) -> tuple[str, bytes] | None:
    """(prompt id, picture) of a preview frame, or None. Type 4 names its prompt in its metadata; type 1 does
    not, so it is the prompt `running` on the worker (ComfyUI runs one at a time and sends previews only to the
    client whose prompt it is)."""
    if len(frame) < 12 or len(frame) > MAX_PREVIEW_BYTES:
        return None
    kind = int.from_bytes(frame[:4], "big")
    if kind == PREVIEW_IMAGE:
        prompt_id, image = running, frame[8:]
    elif kind == PREVIEW_WITH_METADATA:
        size = int.from_bytes(frame[4:8], "big")
        try:
            metadata = json.loads(frame[8:8 + size])
        except ValueError:
            return None
        prompt_id = metadata.get("prompt_id") if isinstance(metadata, dict) else None
        image = frame[8 + size:]
    else:
        return None
    if not isinstance(prompt_id, str) or not image.startswith(_IMAGES):
        return None
    return prompt_id, image


class LatestPreviews:
    """The newest picture of each followed prompt, and whether its followers were told of it since they read."""

    def __init__(self) -> None:
        self._pictures: dict[str, bytes] = {}
        self._unread: set[str] = set()

    def put(self, prompt_id: str, image: bytes) -> bool:
        """Keep `image` in place of the last one; True when followers must be told (none is pending)."""
        self._pictures[prompt_id] = image
        if prompt_id in self._unread:
            return False
        self._unread.add(prompt_id)
        return True

    def take(self, prompt_id: str) -> bytes:
        self._unread.discard(prompt_id)
        return self._pictures.get(prompt_id, b"")

    def forget(self, prompt_id: str) -> None:
        self._pictures.pop(prompt_id, None)
        self._unread.discard(prompt_id)
