"""Pages rendered by Jinja's plain (synchronous) renderer: our templates never await, and Quart's async one
costs more for nothing (a gallery page about a sixth of its CPU time, measured in-process)."""
from __future__ import annotations

from typing import Any

from jinja2 import Environment
from quart import Quart, current_app

_PLAIN = "stationthis.plain_jinja"


def plain_env(app: Quart) -> Environment:
    """The app's Jinja environment (its loader, filters and globals, shared) with async rendering off."""
    env = app.extensions.get(_PLAIN)
    if env is None:
        env = app.extensions[_PLAIN] = app.jinja_env.overlay(enable_async=False)
    return env


async def render_template(name: str, **context: Any) -> str:
    """Quart's `render_template` (the context processors run as before), rendered without async machinery."""
    await current_app.update_template_context(context)
    return plain_env(current_app).get_template(name).render(context)
