"""Read chat text after a built-in command into a subcommand and the same named options typed platforms send."""
from __future__ import annotations

from adapters.chat.registry import Builtin, Sub
from domain.catalogue import parse_arguments
from domain.errors import DomainError


def parse_builtin(command: Builtin, text: str) -> tuple[Sub | None, dict]:
    """(caption, {'number': '3', 'text': 'a cat'}) from '/train caption 3 a cat', as the registry declares it."""
    if not command.subs:
        return None, {}
    words = (text or "").split()
    sub = command.sub(words[0].lower()) if words else command.sub(command.default or "")
    rest = text.split(None, 1)[1] if sub is not None and len(words) > 1 else "" if sub is not None else text
    if sub is None:
        sub = command.sub(command.implicit or "")
        if sub is None:
            raise DomainError(f"Unknown /{command.name} subcommand '{words[0].lower()}'. Use: {command.usage()}")
    return sub, _options(command, sub, rest or "")


def _options(command: Builtin, sub: Sub, rest: str) -> dict:
    options: dict = {}
    if sub.settings is not None:
        rest, pairs = parse_arguments(rest)
        options.update(pairs)
    read = [o for o in sub.options if o.read_from_text]
    for index, option in enumerate(read):
        if not rest:
            break
        if index == len(read) - 1:
            value: object = rest.strip()
            rest = ""
        else:
            value, _, rest = rest.partition(" ")
        options[option.name] = value.split() if option.kind == "words" and isinstance(value, str) else value
    if rest.strip():
        raise DomainError(f"Write {command.name} as key=value. Usage: {command.usage()}")
    return options
