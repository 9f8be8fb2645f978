"""Background work kept in arrival order per key (one job's notices never overtake each other), closed in bounded time."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class OrderedTasks:
    def __init__(self, close_timeout: float = 10.0):
        self.close_timeout = close_timeout
        self.closed = False
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task] = set()

    def run(self, key: str, work: Callable[[], Awaitable[None]], what: str) -> None:
        """Start `work` once every earlier piece for `key` is done; a failure is logged (as `what`), never raised."""
        lock = self._locks.setdefault(key, asyncio.Lock())

        async def in_order() -> None:
            try:
                async with lock:  # asyncio locks are taken in the order they were asked for
                    await work()
            except Exception:  # a broken chat must never break a job
                log.exception("%s failed", what)

        task = asyncio.get_running_loop().create_task(in_order())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def forget(self, key: str) -> None:
        """Drop the key's lock once its last piece of work has been handed over."""
        self._locks.pop(key, None)

    async def close(self) -> None:
        """Stop taking work, let what is under way finish (bounded), cancel the rest."""
        self.closed = True
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=self.close_timeout)
        for task in list(self._tasks):
            task.cancel()
