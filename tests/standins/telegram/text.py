"""Message text and captions as Telegram stores them: parse_mode applied, trimmed, length-checked."""

from __future__ import annotations

from .entities import MarkupError, trimmed
from .faults import bad_request
from .params import Params
from .parse_html import parse_html
from .parse_markdown import parse_markdown
from .parse_markdown_v2 import parse_markdown_v2

MAX_TEXT = 4096
MAX_CAPTION = 1024
_PARSERS = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}


def formatted(raw: str, parse_mode: str, entities: list[dict] | None) -> tuple[str, list[dict]]:
    """Plain text and entities from `raw`, through `parse_mode` when one is given."""
    if parse_mode:
        parser = _PARSERS.get(parse_mode.lower())
        if parser is None:
            raise bad_request("unsupported parse_mode")
        try:
            raw, entities = parser(raw)
        except MarkupError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    return trimmed(raw, entities if isinstance(entities, list) else [])


def message_text(p: Params) -> dict:
    """The text fields of a Message built from sendMessage/editMessageText parameters."""
    text, entities = formatted(p.text("text"), p.text("parse_mode"), p.object("entities", None))
    if not text:
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return {"text": text, "entities": entities} if entities else {"text": text}


def caption(raw: object, parse_mode: str, entities: list[dict] | None) -> dict:
    """The caption fields of a media Message; an absent or blank caption adds none."""
    text, entities = formatted("" if raw is None else str(raw), parse_mode, entities)
    if len(text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    if not text:
        return {}
    return {"caption": text, "caption_entities": entities} if entities else {"caption": text}


def caption_of(p: Params) -> dict:
    return caption(p.get("caption"), p.text("parse_mode"), p.object("caption_entities", None))
