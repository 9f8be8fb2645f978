"""TelegramStandin: runs the stand-in Bot API server on 127.0.0.1 and gives tests its controls and records."""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import web

from .faults import EDIT_METHODS, FloodRule
from .records import Call, ChatMessage
from .script import UserScript
from .server import build_app
from .state import World
from .webhook import Webhook


class TelegramStandin(UserScript):
    """`async with TelegramStandin() as tg:` then point python-telegram-bot at `tg.url`."""

    opened: list[TelegramStandin] = []  # every stand-in started in this process, for checks after a test

    def __init__(self, bot_username: str = "stationthis_bot", token: str | None = None) -> None:
        self.world = World(bot_username, token)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> TelegramStandin:
        self._runner = web.AppRunner(build_app(self.world), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        TelegramStandin.opened.append(self)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.world.updates.close()
        await self.world.webhook.delete()
        await self._runner.cleanup()

    @property
    def bot_username(self) -> str:
        return self.world.bot["username"]

    @property
    def token(self) -> str | None:
        """The bot token: given at construction, else the first one a request used."""
        return self.world.token

    @property
    def sent(self) -> list[Call]:
        """Every bot->server call so far, in the order they were answered."""
        return self.world.calls

    def calls(self, method: str) -> list[Call]:
        return [call for call in self.world.calls if call.method.lower() == method.lower()]

    @property
    def pending_updates(self) -> list[dict]:
        """Updates queued for the bot and not yet confirmed through getUpdates' offset."""
        return self.world.updates.pending

    @property
    def webhook(self) -> Webhook:
        """The webhook setWebhook set (`url`, `secret`) and every POST of an update to it (`deliveries`)."""
        return self.world.webhook

    def messages_in(self, chat_id: int, include_user: bool = False) -> list[ChatMessage]:
        """The chat as it stands: the bot's messages (and the users' when asked), edits applied, deleted ones out."""
        return [
            message
            for (chat, _), message in sorted(self.world.messages.items())
            if chat == chat_id and not message.deleted and (include_user or message.from_bot)
        ]

    def fail_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` calls of `method` answer 429 "Too Many Requests: retry after N"."""
        self.world.faults.fail_next(method, times, retry_after)

    def break_next(self, method: str, times: int = 1, status: int = 502) -> None:
        """The next `times` calls of `method` answer a server error (502 Bad Gateway), having done nothing."""
        self.world.faults.break_next(method, times, status)

    def answer_late(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` are carried out, but answered only after `seconds`."""
        self.world.faults.slow_next(method, times, seconds)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: every message to their private chat answers 403."""
        self.world.faults.blocked.add(user_id)

    def limit_rate(
        self, max_calls: int, per_seconds: float = 1.0, methods=EDIT_METHODS, retry_after: int = 1
    ) -> None:
        """Flood control: more than `max_calls` of `methods` in one chat within `per_seconds` answers 429."""
        rule = FloodRule(max_calls, per_seconds, frozenset(m.lower() for m in methods), retry_after)
        self.world.faults.limit_rate(rule)

    def stop_limiting_rate(self) -> None:
        self.world.faults.limit_rate(None)

    async def wait_for(self, predicate: Callable[[Call | ChatMessage], bool], timeout: float = 10):
        """The first recorded Call or bot ChatMessage (both have .chat_id and .text) satisfying `predicate`."""
        deadline = time.monotonic() + timeout
        while True:
            for item in [*self.world.calls, *(m for m in self.world.messages.values() if m.from_bot)]:
                if predicate(item):
                    return item
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(self._timeout_report(timeout))
            await self.world.changed(remaining)

    def _timeout_report(self, timeout: float) -> str:
        calls = [f"  {call}" for call in self.world.calls if call.method != "getUpdates"][-30:]
        messages = [f"  {message}" for message in self.world.messages.values()][-30:]
        return "\n".join(
            [f"nothing satisfied the predicate within {timeout}s", "calls (getUpdates left out):"]
            + (calls or ["  none"])
            + ["messages:"]
            + (messages or ["  none"])
        )
