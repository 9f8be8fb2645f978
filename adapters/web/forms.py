"""Forms from the catalogue: one field per template parameter, and the raw values a form sends back."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.catalogue import ParamSpec

HIDDEN_TYPES = ("dataset",)
ACRONYMS = {"lora": "LoRA", "cfg": "CFG"}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str  # textarea | number | select | image | text
    value: object
    required: bool
    help: str
    min: float | None = None
    max: float | None = None
    step: str = "any"
    options: tuple[tuple[str, str], ...] = ()
    suggestions: tuple[str, ...] = ()
    placeholder: str = ""
    advanced: bool = False


def field_for(spec: ParamSpec, value: object, models: Sequence[str] = (), checkpoints: Sequence[str] = ()) -> Field:
    words = spec.name.split("_")
    label = " ".join(ACRONYMS.get(w, w) for w in words)
    label = label[0].upper() + label[1:]
    common: dict[str, Any] = {"name": spec.name, "label": label, "value": "" if value is None else value,
              "required": spec.required, "help": spec.description}
    if spec.type == "text":
        return Field(widget="textarea" if spec.required else "text", advanced=not spec.required, **common)
    if spec.type in ("int", "float"):
        return Field(widget="number", min=spec.min, max=spec.max, step="1" if spec.type == "int" else "any",
                     advanced=True, **common)
    if spec.type == "seed":
        return Field(widget="number", min=0, step="1", placeholder="random", advanced=True, **common)
    if spec.type == "choice":
        return Field(widget="select", options=tuple((c, c) for c in spec.choices), advanced=True, **common)
    if spec.type == "image":
        return Field(widget="image", **common)
    if spec.type == "lora":
        options = (("", "none"),) + tuple((m, m) for m in models)
        return Field(widget="select", options=options, **common)
    if spec.type == "checkpoint":
        return Field(widget="text", suggestions=tuple(checkpoints), advanced=True, **common)
    return Field(widget="text", **common)


def fields_for(params: tuple[ParamSpec, ...], values: dict, models: Sequence[str] = (),
               checkpoints: Sequence[str] = ()) -> list[Field]:
    return [field_for(p, values.get(p.name, p.default), models, checkpoints)
            for p in params if p.type not in HIDDEN_TYPES]


def raw_values(params: tuple[ParamSpec, ...], form) -> dict[str, str]:
    """The form's non-empty values for these parameters, as text: the domain parses and checks them."""
    raw = {}
    for spec in params:
        value = form.get(spec.name)
        if spec.type not in HIDDEN_TYPES and value not in (None, ""):
            raw[spec.name] = value if spec.type == "text" else value.strip()
    return raw
