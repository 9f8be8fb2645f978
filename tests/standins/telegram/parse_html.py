"""parse_mode=HTML as TDLib implements it: supported tags to entities, its error messages verbatim."""

from __future__ import annotations

import re

from .entities import MarkupError, byte_offset, entity, ordered, units

_KINDS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}  # fmt: skip
_CHARACTER = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _character(match: re.Match) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    return chr(code) if 0 < code <= 0x10FFFF else None


def parse_html(source: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    u16 = 0
    found: list[dict] = []
    open_tags: list[tuple[str, dict, int, int]] = []  # tag, attributes, utf-16 start, out index
    i, size = 0, len(source)
    while i < size:
        ch = source[i]
        match = _CHARACTER.match(source, i) if ch == "&" else None
        if match and _character(match):
            ch, i = _character(match), match.end() - 1
        if ch != "<" or match:
            out.append(ch)
            u16 += units(ch)
            i += 1
            continue
        begin, at = i, byte_offset(source, i)
        if source[i + 1 : i + 2] != "/":
            i = _name_end(source, i + 1)
            if i == size:
                raise MarkupError(f"Unclosed start tag at byte offset {at}")
            tag = source[begin + 1 : i].lower()
            if tag not in _KINDS:
                raise MarkupError(f'Unsupported start tag "{tag}" at byte offset {at}')
            attributes, i = _attributes(source, i, tag, at)
            if tag == "span" and attributes.get("class") != "tg-spoiler":
                raise MarkupError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
            open_tags.append((tag, attributes, u16, len(out)))
        else:
            if not open_tags:
                raise MarkupError(f"Unexpected end tag at byte offset {at}")
            i = _name_end(source, i + 2)
            name = source[begin + 2 : i].lower()
            while i < size and source[i].isspace():
                i += 1
            if i == size or source[i] != ">":
                raise MarkupError(f"Unclosed end tag at byte offset {at}")
            tag, attributes, start, out_start = open_tags.pop()
            if name and name != tag:
                raise MarkupError(f'Unmatched end tag at byte offset {at}, expected "</{tag}>", found "</{name}>"')
            if u16 > start:
                _close(found, tag, attributes, start, u16 - start, "".join(out[out_start:]))
        i += 1
    if open_tags:
        raise MarkupError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1][0]}"')
    plain = [{k: v for k, v in e.items() if k != "language"} if e["type"] == "code" else e for e in found]
    return "".join(out), ordered(plain)


def _name_end(source: str, i: int) -> int:
    while i < len(source) and not source[i].isspace() and source[i] != ">":
        i += 1
    return i


def _attributes(source: str, i: int, tag: str, at: int) -> tuple[dict, int]:
    """Attributes of a start tag from `i`; returns them and the index of the closing '>'."""
    attributes: dict[str, str] = {}
    size = len(source)
    while True:
        while i < size and source[i].isspace():
            i += 1
        if i == size:
            raise MarkupError(f"Unclosed start tag at byte offset {at}")
        if source[i] == ">":
            return attributes, i
        start = i
        while i < size and not source[i].isspace() and source[i] not in "=>/\"'":
            i += 1
        name = source[start:i]
        if not name:
            raise MarkupError(f'Empty attribute name in the tag "{tag}" at byte offset {at}')
        while i < size and source[i].isspace():
            i += 1
        if i == size:
            raise MarkupError(f'Unclosed start tag "{tag}" at byte offset {at}')
        if source[i] != "=":
            attributes[name] = ""
            continue
        i += 1
        while i < size and source[i].isspace():
            i += 1
        if i == size:
            raise MarkupError(f'Unclosed start tag "{tag}" at byte offset {at}')
        if source[i] in "\"'":
            end = source.find(source[i], i + 1)
            end = size if end < 0 else end
            value = _CHARACTER.sub(lambda m: _character(m) or m.group(), source[i + 1 : end])
            i = min(end + 1, size)
        else:
            start = i
            while i < size and (source[i].isalnum() or source[i] in ".-"):
                i += 1
            value = source[start:i].lower()
            if i < size and not source[i].isspace() and source[i] != ">":
                raise MarkupError(f"Unexpected end of name token at byte offset {byte_offset(source, start)}")
        if i == size:
            raise MarkupError(f"Unclosed start tag at byte offset {at}")
        attributes[name] = value


def _close(found: list[dict], tag: str, attributes: dict, offset: int, length: int, inner: str) -> None:
    kind = _KINDS[tag]
    language = attributes.get("class", "").removeprefix("language-") if tag == "code" else ""
    last = found[-1] if found else None
    same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
    if tag == "a":
        found.append(entity(kind, offset, length, url=attributes.get("href") or inner))
    elif tag == "tg-emoji":
        if not attributes.get("emoji-id", "").isdigit() or int(attributes["emoji-id"]) == 0:
            raise MarkupError("Invalid custom emoji identifier specified")
        found.append(entity(kind, offset, length, custom_emoji_id=attributes["emoji-id"]))
    elif tag == "pre" and same_span and last["type"] == "code" and last.get("language"):
        found[-1] = entity("pre", offset, length, language=last["language"])
    elif tag == "code" and language and attributes["class"].startswith("language-"):
        if same_span and last["type"] == "pre":
            found[-1] = entity("pre", offset, length, language=language)
        else:
            found.append(entity("code", offset, length, language=language))
    elif tag == "blockquote" and "expandable" in attributes:
        found.append(entity("expandable_blockquote", offset, length))
    else:
        found.append(entity(kind, offset, length))
