"""Rendered pieces of pages and answers, kept by what they show: a gallery tile, a form field or a job's JSON is
made once, not on every view."""
from __future__ import annotations

import inspect
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from jinja2 import Environment
from markupsafe import Markup


class Fragments:
    """The `keep` latest pieces, each under a key that names everything it shows (an unhashable key: made anew)."""

    def __init__(self, keep: int = 4096):
        self._made: OrderedDict[Hashable, Any] = OrderedDict()
        self._keep = keep

    async def html(self, env: Environment, template: str, key: Hashable,
                   context: Callable[[], dict[str, Any] | Awaitable[dict[str, Any]]]) -> Markup:
        """`template` rendered with `context()` (awaited if it must read something), which `key` must determine
        (made only when not kept)."""
        found = self.kept_html(template, key)
        if found is None:
            values = context()
            values = await values if inspect.isawaitable(values) else values
            found = self._keep_made(("html", template, key), Markup(env.get_template(template).render(**values)))
        return found

    def kept_html(self, template: str, key: Hashable) -> Markup | None:
        """`template` as kept for `key`, or None: `html` without making its context, for a page of many pieces."""
        return self._found(("html", template, key))

    def json(self, key: Hashable, value: Callable[[], Any]) -> str:
        """`value()` as JSON text; `key` must determine it."""
        found = self._found(("json", key))
        if found is None:
            found = self._keep_made(("json", key), json.dumps(value(), separators=(",", ":")))
        return found

    def _found(self, key: Hashable) -> Any:
        try:
            return self._made.get(key)
        except TypeError:
            return None

    def _keep_made(self, key: Hashable, made: Any) -> Any:
        try:
            self._made[key] = made
        except TypeError:
            return made
        if len(self._made) > self._keep:
            self._made.popitem(last=False)
        return made
