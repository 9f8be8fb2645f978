"""Whether long polling reaches Telegram: the request getUpdates goes through notes how its last call went."""
from __future__ import annotations

from typing import Any

from telegram.request import HTTPXRequest


class WatchedPolling(HTTPXRequest):
    """`reached` is None before the first poll, then whether the latest one got an answer from Telegram."""

    def __init__(self) -> None:
        super().__init__(connection_pool_size=1)  # what python-telegram-bot uses for getUpdates by default
        self.reached: bool | None = None

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            code, payload = await super().do_request(*args, **kwargs)
        except Exception:
            self.reached = False
            raise
        self.reached = 200 <= code < 300
        return code, payload
