"""parse_mode=MarkdownV2 as TDLib implements it, its error messages verbatim."""

from __future__ import annotations

from .entities import MarkupError, byte_offset, entity, ordered, units
from .parse_markdown import pre_start

_RESERVED = "_*[]()~`>#+-=|{}.!\n"
_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
    "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "text_link": "TextUrl", "blockquote": "BlockQuote",
}  # fmt: skip


def _reserved(ch: str) -> MarkupError:
    return MarkupError(f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")


def _unclosed(opened: dict) -> MarkupError:
    name = "PreCode" if opened.get("language") else _NAMES[opened["type"]]
    return MarkupError(f"Can't find end of {name} entity at byte offset {opened['at']}")


def parse_markdown_v2(src: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    u16, found, stack = 0, [], []
    quote, line_start, i, size = False, True, 0, len(src)
    while i < size:
        ch, nxt = src[i], src[i + 1 : i + 2]
        if ch == "\\" and nxt and ord(nxt) <= 126:
            out.append(nxt)
            u16 += 1
            line_start = nxt == "\n" if nxt != "\r" else line_start
            i += 2
            continue
        top = stack[-1] if stack else None
        if ch not in ("`" if top and top["type"] in ("code", "pre") else _RESERVED):
            out.append(ch)
            u16 += units(ch)
            line_start = False if ch != "\r" else line_start
            i += 1
            continue
        closing = top is not None and (
            (quote and ch == "\n" and src[i + 1 : i + 2] != ">")
            or {
                "bold": ch == "*", "italic": ch == "_" and nxt != "_", "code": ch == "`",
                "pre": src.startswith("```", i), "text_link": ch == "]", "underline": src.startswith("__", i),
                "strikethrough": ch == "~", "spoiler": src.startswith("||", i), "blockquote": False,
            }[top["type"]]
        )  # fmt: skip
        if closing:
            i = _close(src, i, top, out, u16, found)
            stack.pop()
            if top["type"] == "blockquote":
                quote, line_start = False, True
                out.append("\n")
                u16 += 1
            continue
        opened = {"offset": u16, "at": byte_offset(src, i), "begin": len(out)}
        if ch in "*~[" or (ch == "_" and nxt != "_"):
            opened["type"] = {"*": "bold", "~": "strikethrough", "[": "text_link", "_": "italic"}[ch]
        elif ch in "_|" and nxt == ch:
            opened["type"] = "underline" if ch == "_" else "spoiler"
            i += 1
        elif ch == "`" and src.startswith("```", i):
            opened["type"] = "pre"
            opened["language"], i = pre_start(src, i + 3)
            i -= 1
        elif ch == "`":
            opened["type"] = "code"
        elif ch == "\n":
            out.append(ch)
            u16 += 1
            line_start = True
            i += 1
            continue
        elif ch == ">" and line_start:
            if not quote:
                quote, opened["type"] = True, "blockquote"
                stack.append(opened)
            i += 1
            continue
        else:
            raise _reserved(ch)
        stack.append(opened)
        i += 1
    if quote and stack[-1]["type"] == "blockquote":
        opened = stack.pop()
        if u16 > opened["offset"]:
            found.append(entity("blockquote", opened["offset"], u16 - opened["offset"]))
    if stack:
        raise _unclosed(stack[-1])
    return "".join(out), ordered(found)


def _close(src: str, i: int, opened: dict, out: list[str], u16: int, found: list[dict]) -> int:
    """Finish `opened` at its closing mark at `i`; returns the index just past the mark."""
    kind, extra = opened["type"], {}
    if src[i] == "\n" and kind != "blockquote":
        raise _unclosed(opened)
    i += {"underline": 2, "spoiler": 2, "pre": 3, "blockquote": 1}.get(kind, 1)
    if kind == "pre" and opened["language"]:
        extra["language"] = opened["language"]
    if kind == "text_link":
        url = "".join(out[opened["begin"] :])
        if src[i : i + 1] == "(":
            start, url, i = i + 1, "", i + 1
            while i < len(src) and src[i] != ")":
                escaped = src[i] == "\\" and src[i + 1 : i + 2] and ord(src[i + 1]) <= 126
                url += src[i + 1] if escaped else src[i]
                i += 2 if escaped else 1
            if i == len(src):
                raise MarkupError(f"Can't find end of a URL at byte offset {byte_offset(src, start)}")
            i += 1
        extra["url"] = url
    if u16 > opened["offset"]:
        found.append(entity(kind, opened["offset"], u16 - opened["offset"], **extra))
    return i


