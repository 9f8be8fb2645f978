"""Chat-kit options as discord.py declares them, and raw option values checked against their wire type."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.enums import AppCommandOptionType as Wire

from adapters.chat.options import Option


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
