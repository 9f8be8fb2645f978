"""Output kinds: what a template's run leaves behind, declared in its manifest, and how each kind is kept."""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.errors import DomainError


class OutputKind(StrEnum):
    IMAGES = "images"  # still pictures (a batch makes several)
    ANIMATION = "animation"  # animated WEBP, PNG or GIF
    VIDEO = "video"  # WEBM or MP4
    TEXT = "text"  # words a node shows (a caption, an improved prompt), kept as a .txt file
    LORA = "lora"  # a trained model file


# The file extensions each kind keeps from what the output nodes wrote; anything else is left on the worker.
EXTENSIONS = {
    OutputKind.IMAGES: frozenset({"png", "jpg", "jpeg", "webp"}),
    OutputKind.ANIMATION: frozenset({"webp", "png", "gif"}),
    OutputKind.VIDEO: frozenset({"webm", "mp4"}),
    OutputKind.TEXT: frozenset({"txt"}),
    OutputKind.LORA: frozenset({"safetensors"}),
}
TEXT_EXTENSION = "txt"


def output_from_manifest(raw: Any, training: bool, name: str) -> OutputKind:
    """The manifest's `output` (default: images, or lora for training), checked against the tool's kind."""
    default = OutputKind.LORA if training else OutputKind.IMAGES
    value = raw if raw is not None else default.value
    if value not in {k.value for k in OutputKind}:
        raise DomainError(f"{name}: output '{value}' is not one of {', '.join(k.value for k in OutputKind)}.")
    kind = OutputKind(value)
    if (kind is OutputKind.LORA) != training:
        raise DomainError(f"{name}: output 'lora' goes with kind 'training', and only with it.")
    return kind


def keeps(kind: OutputKind, filename: str) -> bool:
    """Whether a file a node wrote is a result of this kind (a preview image beside a video is not)."""
    return filename.rsplit(".", 1)[-1].lower() in EXTENSIONS[kind] if "." in filename else False
