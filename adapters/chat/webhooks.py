"""WebhookRoutes: the web interface serves `POST /hooks/<name>` and hands the request to the chat platform named."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

# (request headers, raw body) -> the HTTP status to answer with
WebhookHandler = Callable[[Mapping[str, str], bytes], Awaitable[int]]


class WebhookRoutes:
    """One shared table: a platform adds its handler when it starts and removes it when it stops."""

    def __init__(self) -> None:
        self._handlers: dict[str, WebhookHandler] = {}

    def add(self, name: str, handler: WebhookHandler) -> None:
        if name in self._handlers:
            raise ValueError(f"a webhook named {name!r} is already served")
        self._handlers[name] = handler

    def remove(self, name: str) -> None:
        self._handlers.pop(name, None)

    def get(self, name: str) -> WebhookHandler | None:
        return self._handlers.get(name)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value whatever the case of its name, or None."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)
