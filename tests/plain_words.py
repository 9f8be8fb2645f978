"""What users must never read: worker addresses, node ids and class names, job ids, storage keys, exception text."""
from __future__ import annotations

import json
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_URL = re.compile(r"https?://\S+")  # a link the bot sends (to the web's pages) may carry an id: that is its job
_SHAPES = {
    "a worker or local address": re.compile(r"127\.0\.0\.1|localhost|\bComfyUI at\b"),
    "a node id": re.compile(r"\bnodes? \d+\b|\bnode_id\b|\bnode_errors\b"),
    "a job id": re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])"),
    "a storage key": re.compile(r"\b(?:results|inputs|datasets)/[\w.-]+/[\w.-]+"),
    "exception text": re.compile(r"Traceback|\b\w*(?:Error|Exception)\b|NoneType|object has no attribute|\.py\b|"
                                 r"\bst_[0-9a-f]{8,}"),
}


def _class_names() -> re.Pattern[str]:
    names = {node["class_type"] for path in TEMPLATES.glob("*.json")
             for node in json.loads(path.read_text()).values()}
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, names))) + r")\b")


_SHAPES["a node class name"] = _class_names()


def leaks(text: str) -> list[str]:
    """What in `text` a user must not read, each named with the words around it."""
    plain = _URL.sub(" ", text or "")
    return [f"{what}: …{plain[max(0, m.start() - 30):m.end() + 30]}…"
            for what, shape in _SHAPES.items() for m in shape.finditer(plain)]


def telegram_texts(tg) -> list[str]:
    """Every text the bot sent a Telegram chat: messages, captions, edits, alerts and button labels."""
    found = []
    for call in tg.sent:
        params = call.params
        found += [str(params[k]) for k in ("text", "caption") if params.get(k)]
        media = params.get("media")
        if isinstance(media, str):
            media = json.loads(media)
        found += [str(item.get("caption")) for item in media or () if isinstance(item, dict) and item.get("caption")]
        markup = params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup or {}
        found += [button.get("text", "") for row in markup.get("inline_keyboard", []) for button in row]
    return found


def discord_texts(dc) -> list[str]:
    """Every text the bot showed on Discord: message contents, embeds, button labels, in every version."""
    found = []
    for message in dc.world.messages.values():
        for version in [*message.history, message.payload()]:
            found.append(version.get("content") or "")
            for embed in version.get("embeds") or ():
                found += [embed.get("title") or "", embed.get("description") or ""]
                found += [f"{f.get('name')} {f.get('value')}" for f in embed.get("fields") or ()]
            found += [c.get("label") or "" for row in version.get("components") or () for c in row.get("components", ())]
    return found
