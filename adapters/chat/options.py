"""A command's options as every chat platform sees them: a name, a kind, bounds, choices, completion."""
from __future__ import annotations

from dataclasses import dataclass

from domain.catalogue import SEED_MAX, ParamSpec

MAX_CHOICES = 25  # Discord's limit for listed choices; longer lists are offered through autocomplete
MAX_TEXT = 6000
_KINDS = {"text": "text", "int": "whole", "float": "number", "seed": "whole", "choice": "text", "image": "file",
          "checkpoint": "text", "lora": "text", "dataset": "text"}
_COMPLETED = ("checkpoint", "lora", "dataset")


@dataclass(frozen=True)
class Option:
    name: str
    kind: str  # text | words (handed on as a list) | whole | number | file | user
    description: str
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    complete: str | None = None  # what autocomplete offers: lora | checkpoint | dataset | collection | choice
    max_length: int | None = None
    repeat: int = 1  # file options: how many a typed platform offers (image1..imageN)
    positional: bool = True  # text chats read it from the words after the subcommand (files never)

    @property
    def read_from_text(self) -> bool:
        return self.positional and self.kind != "file"

    @property
    def placeholder(self) -> str:
        """How usage text names it: NAME when required, [NAME] when not."""
        word = self.name.upper()
        return word if self.required else f"[{word}]"


def from_param(spec: ParamSpec, required: bool | None = None) -> Option:
    """The option a catalogue parameter becomes; its bounds are advisory, the domain checks them again."""
    low, high = spec.min, spec.max
    if spec.type == "seed":
        low, high = 0, SEED_MAX
    complete: str | None = spec.type.value if spec.type in _COMPLETED else None
    if spec.type == "choice" and len(spec.choices) > MAX_CHOICES:
        complete = "choice"
    return Option(
        name=spec.name, kind=_KINDS[spec.type], description=_describe(spec),
        required=spec.required if required is None else required, min=low, max=high,
        choices=spec.choices if spec.type == "choice" and complete is None else (), complete=complete,
        max_length=min(spec.max_length, MAX_TEXT) if spec.type == "text" else None,
    )


def _describe(spec: ParamSpec) -> str:
    text = spec.description or spec.name
    return text if len(text) <= 100 else text[:99] + "…"
