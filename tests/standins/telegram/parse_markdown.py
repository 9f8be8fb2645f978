"""parse_mode=Markdown (the legacy flavour) as TDLib implements it, its error message verbatim."""

from __future__ import annotations

from .entities import MarkupError, byte_offset, entity, ordered, units


def pre_start(src: str, i: int) -> tuple[str, int]:
    """After an opening ```: the optional language and where the content starts (one newline skipped)."""
    end = i
    while end < len(src) and not src[end].isspace() and src[end] != "`":
        end += 1
    language = ""
    if end != i and end < len(src) and src[end] != "`":
        language, i = src[i:end], end
    pair = src[i : i + 2]
    if pair in ("\r\n", "\n\r"):
        i += 2
    elif pair[:1] in ("\r", "\n"):
        i += 1
    return language, i


def parse_markdown(src: str) -> tuple[str, list[dict]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting, few escapes."""
    out: list[str] = []
    u16, found, i, size = 0, [], 0, len(src)
    while i < size:
        ch = src[i]
        if ch == "\\" and src[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.append(src[i + 1])
            u16, i = u16 + 1, i + 2
            continue
        if ch not in "_*`[":
            out.append(ch)
            u16, i = u16 + units(ch), i + 1
            continue
        at, end_mark, language = byte_offset(src, i), "]" if ch == "[" else ch, ""
        is_pre = src.startswith("```", i)
        if is_pre:
            language, i = pre_start(src, i + 3)
        else:
            i += 1
        start, begin = u16, len(out)
        while i < size and (src[i] != end_mark or (is_pre and not src.startswith("``", i + 1))):
            out.append(src[i])
            u16, i = u16 + units(src[i]), i + 1
        if i == size:
            raise MarkupError(f"Can't find end of the entity starting at byte offset {at}")
        extra = {"language": language} if language else {}
        if ch == "[":
            extra["url"] = "".join(out[begin:])
            if src[i + 1 : i + 2] == "(":
                close = src.find(")", i + 2)
                close = size if close < 0 else close
                extra["url"], i = src[i + 2 : close], close
        if u16 > start:
            kind = {"_": "italic", "*": "bold", "[": "text_link", "`": "pre" if is_pre else "code"}[ch]
            found.append(entity(kind, start, u16 - start, **extra))
        i += 3 if is_pre else 1
    return "".join(out), ordered(found)
