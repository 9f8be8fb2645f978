"""MessageEntity bookkeeping: UTF-16 lengths, byte offsets, trimming and bot_command detection."""

from __future__ import annotations

import re

_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@])")


class MarkupError(Exception):
    """Text a parse mode refuses; the message is TDLib's, the caller adds "can't parse entities: "."""


def units(text: str) -> int:
    """Length in UTF-16 code units, the measure of MessageEntity offsets."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def byte_offset(source: str, index: int) -> int:
    """Where character `index` starts in the UTF-8 encoding, as TDLib reports positions."""
    return len(source[:index].encode("utf-8"))


def entity(kind: str, offset: int, length: int, **extra: object) -> dict:
    return {"type": kind, "offset": offset, "length": length, **extra}


def ordered(entities: list[dict]) -> list[dict]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def trimmed(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Strip surrounding whitespace as Telegram does, moving and clipping entities to match."""
    lead = units(text[: len(text) - len(text.lstrip())])
    text = text.strip()
    size = units(text)
    kept = []
    for item in entities:
        start = max(item["offset"] - lead, 0)
        end = min(item["offset"] + item["length"] - lead, size)
        if end > start:
            kept.append({**item, "offset": start, "length": end - start})
    return text, kept


def command_entities(text: str) -> list[dict]:
    """bot_command entities for every /command or /command@botname a Telegram client would mark."""
    return [
        entity("bot_command", units(text[: m.start()]), units(m.group()))
        for m in _COMMAND.finditer(text)
    ]
