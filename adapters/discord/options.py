"""Slash-command options: one per catalogue parameter, with its Discord type, bounds, choices and completion."""
from __future__ import annotations

from dataclasses import dataclass

import discord
from discord import app_commands
from discord.enums import AppCommandOptionType as Wire

from domain.catalogue import SEED_MAX, ParamSpec

MAX_CHOICES = 25  # Discord's limit; longer lists are offered through autocomplete
MAX_TEXT = 6000
_KINDS = {"text": "text", "int": "whole", "float": "number", "seed": "whole", "choice": "text", "image": "file",
          "checkpoint": "text", "lora": "text", "dataset": "text"}
_COMPLETED = ("checkpoint", "lora", "dataset")


@dataclass(frozen=True)
class Option:
    name: str
    kind: str  # text | words (text handed on as a list) | whole | number | file | user
    description: str
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    complete: str | None = None  # what autocomplete offers: lora | checkpoint | dataset | collection | choice
    max_length: int | None = None


def from_param(spec: ParamSpec, required: bool | None = None) -> Option:
    """The option a catalogue parameter becomes; its bounds are advisory, the domain checks them again."""
    low, high = spec.min, spec.max
    if spec.type == "seed":
        low, high = 0, SEED_MAX
    complete = spec.type if spec.type in _COMPLETED else None
    if spec.type == "choice" and len(spec.choices) > MAX_CHOICES:
        complete = "choice"
    return Option(
        name=spec.name, kind=_KINDS[spec.type], description=_describe(spec),
        required=spec.required if required is None else required, min=low, max=high,
        choices=spec.choices if spec.type == "choice" and complete is None else (), complete=complete,
        max_length=min(spec.max_length, MAX_TEXT) if spec.type == "text" else None,
    )


def annotation(option: Option):
    """The type discord.py derives the option's wire type and limits from."""
    if option.kind == "file":
        return discord.Attachment
    if option.kind == "user":
        return discord.User
    kind = {"text": str, "words": str, "whole": int, "number": float}[option.kind]
    low, high = (option.min, option.max) if kind is not str else (None, option.max_length)
    if low is None and high is None:
        return kind
    cast = float if kind is float else int
    return app_commands.Range[kind, None if low is None else cast(low), None if high is None else cast(high)]


def handed_on(option: Option, value: object) -> object:
    """The value as the chat kit reads it."""
    return value.split() if option.kind == "words" and isinstance(value, str) else value


def wire_problem(kind: Wire, value: object) -> str | None:
    """What is wrong with a raw option value of the wrong JSON type (from a modified client), or None."""
    if kind is Wire.string:
        return None if isinstance(value, str) else "text"
    if kind is Wire.integer:
        return None if isinstance(value, int) and not isinstance(value, bool) else "a whole number"
    if kind is Wire.number:
        return None if isinstance(value, (int, float)) and not isinstance(value, bool) else "a number"
    if kind in (Wire.attachment, Wire.user):
        return None if isinstance(value, str) and value.isdigit() else f"a {kind.name}"
    return None


def _describe(spec: ParamSpec) -> str:
    text = spec.description or spec.name
    return text if len(text) <= 100 else text[:99] + "…"
