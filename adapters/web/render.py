"""Pages rendered by Jinja's plain (synchronous) renderer: our templates never await, and Quart's async one
costs more for nothing (a gallery page about a sixth of its CPU time, measured in-process)."""
from __future__ import annotations

import inspect
from typing import Any, Callable

from jinja2 import Environment, Template
from quart import Quart, current_app, g, request, session
from quart.templating import _default_template_ctx_processor

_PLAIN = "stationthis.plain_jinja"
_PROCESSORS = "stationthis.context_processors"
_TEMPLATES = "stationthis.templates"


def plain_env(app: Quart) -> Environment:
    """The app's Jinja environment (its loader, filters and globals, shared) with async rendering off."""
    env = app.extensions.get(_PLAIN)
    if env is None:
        env = app.extensions[_PLAIN] = app.jinja_env.overlay(enable_async=False)
        # `request`, `session` and `g` as globals (as Flask has them) instead of Quart's processor that adds
        # them to every page's context anew
        env.globals.update(request=request, session=session, g=g)
    return env


async def render_template(name: str, **context: Any) -> str:
    """Quart's `render_template`: the context processors of the app and of the page's blueprints run as Quart
    runs them (the page's own values win; Quart's own, which adds `request`, `session` and `g`, is left to the
    globals), found once per blueprint instead of on every page, and the page rendered without async machinery."""
    app: Quart = current_app._get_current_object()  # type: ignore[attr-defined]
    made: dict[str, Any] = {}
    for processor in _processors(app, request.blueprint):
        values = processor()
        made.update(await values if inspect.isawaitable(values) else values)
    env = plain_env(app)
    template, template_globals = _template(app, env, name)
    # What Template.render does, but with the template's globals merged from a plain dict made once: merging
    # them from Jinja's ChainMap on every page cost as much as the header's database reads.
    shown = {**template_globals, **made, **context}
    try:
        return env.concat(template.root_render_func(template.new_context(shown, shared=True)))
    except Exception:
        env.handle_exception()
        raise  # handle_exception always raises; this line only tells type checkers so


def _template(app: Quart, env: Environment, name: str) -> tuple[Template, dict[str, Any]]:
    """The compiled template and its globals as a plain dict, made once (Jinja's own cache takes a lock)."""
    known: dict[str, tuple[Template, dict[str, Any]]] = app.extensions.setdefault(_TEMPLATES, {})
    found = known.get(name)
    if found is None:
        template = env.get_template(name)
        found = known[name] = (template, dict(template.globals))
    return found


def _processors(app: Quart, blueprint: str | None) -> list[Callable]:
    known: dict[str | None, list[Callable]] = app.extensions.setdefault(_PROCESSORS, {})
    found = known.get(blueprint)
    if found is None:
        names = [None, *reversed(request.blueprints)]
        found = known[blueprint] = [p for name in names for p in app.template_context_processors[name]
                                    if p is not _default_template_ctx_processor]
    return found
