"""Albums: photos sharing a media_group_id arrive as separate updates; hold them briefly, hand them over together."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from telegram import Message

from adapters.chat.messages import Reply

HOLD_SECONDS = 1.0  # an album's updates come in a burst; the last one resets the wait


class Albums:
    def __init__(self, on_ready: Callable[[int], Awaitable[None]], hold: float = HOLD_SECONDS):
        self.on_ready, self.hold = on_ready, hold
        self._groups: dict[tuple[int, str], list[Message]] = {}
        self._deadlines: dict[tuple[int, str], float] = {}
        self._timers: dict[tuple[int, str], asyncio.Task] = {}

    def add(self, message: Message) -> None:
        key = (message.chat_id, message.media_group_id or "")
        self._groups.setdefault(key, []).append(message)
        self._deadlines[key] = time.monotonic() + self.hold
        if key not in self._timers:
            self._timers[key] = asyncio.get_running_loop().create_task(self._wait(key))

    def take(self, chat_id: int, keep: str | None = None) -> list[list[Message]]:
        """The chat's albums (except the one still arriving, `keep`), each in message order."""
        keys = [k for k in self._groups if k[0] == chat_id and k[1] != keep]
        for key in keys:
            self._deadlines.pop(key, None)
        return [sorted(self._groups.pop(key), key=lambda m: m.message_id) for key in keys]

    async def close(self) -> set[int]:
        """Stop waiting; the chats whose albums are still held, for the caller to hand over now."""
        timers = list(self._timers.values())
        for timer in timers:
            timer.cancel()
        await asyncio.gather(*timers, return_exceptions=True)
        return {chat_id for chat_id, _ in self._groups}

    async def _wait(self, key: tuple[int, str]) -> None:
        try:
            while (delay := self._deadlines.get(key, 0.0) - time.monotonic()) > 0:
                await asyncio.sleep(delay)
        finally:
            self._timers.pop(key, None)
        await self.on_ready(key[0])


def one_answer(replies: list[Reply]) -> list[Reply]:
    """What an album answers: each distinct mistake once, then the last of the other replies."""
    mistakes = list(dict.fromkeys(r for r in replies if r.error))
    return mistakes + [r for r in replies if not r.error][-1:]
