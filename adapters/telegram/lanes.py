"""One lane per chat for Bot API calls: results first, status updates dropped under pressure, faults retried safely."""
from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from enum import IntEnum
from typing import Any, TypeVar

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_FLOOD_WAITS = 20
BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)  # seconds before each retry of a call that failed on the way
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteTimeout, httpx.WriteError)


class Priority(IntEnum):
    RESULT = 0  # results, errors and answers: what the user waits for
    TIDY = 1  # taking away a status message a result replaced: after results, never dropped
    STATUS = 2  # progress and place in line: dropped, not queued, when the chat is busy or told to wait


class Refused(Exception):
    """Telegram will never take this request as it is (a file past its size limit)."""


class ChatGone(Exception):
    """The chat cannot be written to (the user blocked the bot, the chat is gone): stop delivering there."""


class Lanes:
    def __init__(self) -> None:
        self._busy: set[int] = set()
        self._waiting: dict[int, list[tuple[int, int, asyncio.Future[None]]]] = {}
        self._quiet_until: dict[int, float] = {}
        self._order = itertools.count()

    def pressed(self, chat_id: int) -> bool:
        """Calls are already waiting their turn, or the chat is waiting out a flood limit: no time for status
        updates (one call under way is no pressure: a status update may wait for it)."""
        return bool(self._waiting.get(chat_id)) or time.monotonic() < self._quiet_until.get(chat_id, 0.0)

    async def call(self, chat_id: int, method: Callable[..., Awaitable[T]], priority: Priority = Priority.RESULT,
                   repeatable: bool = False, /, **kwargs: Any) -> T | None:
        """One Bot API call for the chat, in priority order; None if a status update was dropped. A 429 makes
        the chat wait `retry_after`; a failure on the way is retried (bounded) when the call surely did not
        take effect, or taking effect twice changes nothing (`repeatable`). ChatGone if the chat refuses us."""
        if priority is Priority.STATUS and self.pressed(chat_id):
            return None
        await self._enter(chat_id, priority)
        try:
            return await self._attempts(chat_id, method, priority, repeatable, kwargs)
        finally:
            self._leave(chat_id)

    async def _attempts(self, chat_id: int, method: Callable[..., Awaitable[T]], priority: Priority,
                        repeatable: bool, kwargs: dict[str, Any]) -> T | None:
        failures = floods = 0
        while True:
            delay = self._quiet_until.get(chat_id, 0.0) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                return await method(**kwargs)
            except RetryAfter as error:
                floods += 1
                self._quiet_until[chat_id] = time.monotonic() + retry_seconds(error)
                if priority is Priority.STATUS:
                    return None
                if floods == MAX_FLOOD_WAITS:
                    raise
            except Forbidden as error:  # blocked, kicked, or never allowed to write there
                raise ChatGone(error.message) from None
            except BadRequest as error:
                if "chat not found" in error.message.lower():
                    raise ChatGone(error.message) from None
                raise
            except NetworkError as error:
                if "too large" in error.message.lower():  # 413: the same request would be refused again
                    raise Refused(error.message) from None
                if failures == len(BACKOFF) or not safe_to_repeat(error, repeatable):
                    raise
                log.info("telegram call in chat %s failed (%s); trying again in %g s", chat_id, error,
                         BACKOFF[failures])
                await asyncio.sleep(BACKOFF[failures])
                failures += 1

    async def _enter(self, chat_id: int, priority: Priority) -> None:
        if chat_id not in self._busy and not self._waiting.get(chat_id):
            self._busy.add(chat_id)
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting.setdefault(chat_id, []), (priority, next(self._order), turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._leave(chat_id)  # it was our turn: hand it on
            raise

    def _leave(self, chat_id: int) -> None:
        waiting = self._waiting.get(chat_id)
        while waiting:
            _, _, turn = heapq.heappop(waiting)
            if not turn.done():
                turn.set_result(None)  # the lane passes straight to the next caller, still busy
                return
        self._waiting.pop(chat_id, None)
        self._busy.discard(chat_id)


def safe_to_repeat(error: NetworkError, repeatable: bool) -> bool:
    """An error answer (5xx) or a request that never left: nothing happened. A timeout while reading the answer
    may hide a message that was sent: only a repeatable call (an edit, a delete) is tried again then."""
    cause = error.__cause__
    if cause is None or isinstance(cause, TelegramError):
        return True
    return isinstance(cause, _NEVER_SENT) or repeatable


def retry_seconds(error: RetryAfter) -> float:
    """Seconds to wait, whether PTB gives a number or (PTB_TIMEDELTA=true, its future default) a timedelta."""
    with warnings.catch_warnings():  # PTB 22 warns on every read that the number will become a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
