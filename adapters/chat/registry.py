"""Built-in commands as data: each command and subcommand declared once, every platform's view derived from it."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from adapters.chat.options import Option
from domain.catalogue import ToolKind
from domain.templates import Catalogue

# (the chat kit, the user, the request) -> the replies
Handler = Callable[[Any, Any, Any], Awaitable[list]]


@dataclass(frozen=True)
class Sub:
    """A subcommand: its options in the order text chats read them (the last one takes the rest of the text)."""

    name: str
    description: str
    handler: Handler
    options: tuple[Option, ...] = ()
    settings: Callable[[Catalogue], tuple[Option, ...]] | None = None  # key=value options from the catalogue
    hint: str = ""  # what usage text adds, e.g. how photos arrive
    private: bool = False  # only the person who asked sees the answer, where a platform can do that

    def all_options(self, catalogue: Catalogue) -> tuple[Option, ...]:
        return self.options + (self.settings(catalogue) if self.settings else ())


@dataclass(frozen=True)
class Builtin:
    name: str
    description: str
    handler: Handler | None = None  # a command without subcommands
    subs: tuple[Sub, ...] = ()
    default: str | None = None  # the subcommand of the bare command
    implicit: str | None = None  # the subcommand when the first word names none (/link CODE, /settings k=v)
    private: bool = False  # only the person who asked sees the answer, where a platform can do that
    text_only: bool = False  # only where commands are typed as text (Discord has no /start)
    hidden: bool = False  # not in any menu (a bare photo)

    def sub(self, name: str) -> Sub | None:
        return next((s for s in self.subs if s.name == name), None)

    def usage(self) -> str:
        """How text chats write it (typed platforms show their own, see dialects)."""
        return " · ".join(usage_line(self.name, s) for s in self.subs) if self.subs else f"/{self.name}"

    def private_answer(self, sub: str | None) -> bool:
        chosen = self.sub(sub) if sub else None
        return self.private or (chosen is not None and chosen.private)


def usage_line(command: str, sub: Sub) -> str:
    words = [f"/{command} {sub.name}"] + [o.placeholder for o in sub.options if o.read_from_text]
    extra = " key=value…" if sub.settings else ""
    return " ".join(words) + extra + (f" ({sub.hint})" if sub.hint else "")


class Registry:
    def __init__(self, builtins: tuple[Builtin, ...]):
        self._builtins = {b.name: b for b in builtins}

    def get(self, name: str) -> Builtin | None:
        return self._builtins.get(name)

    def shown(self) -> list[Builtin]:
        return [b for b in self._builtins.values() if not b.hidden]

    def menu(self, catalogue: Catalogue) -> list[tuple[str, str]]:
        """(command, description) for every built-in and every image template, as menus show them."""
        tools = [(t.name, (t.spec.description or t.spec.title)[:100]) for t in catalogue.templates()
                 if t.spec.kind != ToolKind.TRAINING]
        return [(b.name, b.description) for b in self.shown()] + tools
