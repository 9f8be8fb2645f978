"""Read chat text after a built-in command into a subcommand and the same named options Discord sends."""
from __future__ import annotations

from domain.catalogue import parse_arguments
from domain.errors import DomainError

from adapters.chat.menu import SUBCOMMANDS, USAGE

# subcommand -> positional option names; the last one takes the rest of the text.
POSITIONAL = {
    "train": {"create": ("name",), "view": ("dataset",), "use": ("dataset",), "caption": ("number", "text"),
              "remove": ("number",), "trigger": ("word",), "delete": ("dataset",), "add": ("caption",)},
    "collections": {"create": ("name",), "add": ("collection", "item"), "view": ("collection",),
                    "share": ("collection", "user", "access"), "unshare": ("collection", "user"),
                    "link": ("collection", "days"), "remove": ("collection", "number"), "delete": ("collection",)},
    "link": {"redeem": ("code",)},
}
DEFAULT_SUB = {"train": "list", "collections": "list", "settings": "show", "link": "code"}


def parse_builtin(command: str, text: str) -> tuple[str | None, dict]:
    """('caption', {'number': '3', 'text': 'a cat'}) from '/train caption 3 a cat'."""
    if command not in SUBCOMMANDS:
        return None, {}
    words = (text or "").split()
    if command == "settings":
        if words and words[0] == "reset":
            return "reset", {"names": words[1:]}
        free, pairs = parse_arguments(text)
        if free and not pairs:
            raise DomainError(f"Write settings as key=value. {USAGE['settings']}")
        return ("set", pairs) if pairs else ("show", {})
    if command == "link":
        return ("redeem", {"code": words[0]}) if words else ("code", {})
    if not words:
        return DEFAULT_SUB[command], {}
    sub = words[0].lower()
    if sub not in SUBCOMMANDS[command]:
        raise DomainError(f"Unknown /{command} subcommand '{sub}'. Use: {USAGE[command]}")
    names = POSITIONAL.get(command, {}).get(sub, ())
    rest = text.split(None, 1)[1] if len(words) > 1 else ""
    options: dict = {}
    if sub == "submit":
        options.update(parse_arguments(rest)[1])
        rest = parse_arguments(rest)[0]
        names = ("dataset",)
    for index, name in enumerate(names):
        if not rest:
            break
        if index == len(names) - 1:
            options[name] = rest.strip()
        else:
            head, _, rest = rest.partition(" ")
            options[name] = head
    return sub, options


def whole_number(options: dict, name: str) -> int:
    raw = options.get(name)
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise DomainError(f"{name} must be a whole number, e.g. 3; got {raw!r}.") from None
