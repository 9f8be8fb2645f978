"""The getUpdates queue: increasing update_ids, confirmation by offset, allowed_updates, long polling."""

from __future__ import annotations

import asyncio

# Update types a bot gets only when it names them in allowed_updates.
OPT_IN_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    def __init__(self) -> None:
        self._pending: list[dict] = []
        self._next_id = 1
        self._allowed: frozenset[str] | None = None
        self._arrived = asyncio.Event()
        self._closed = False

    @property
    def pending(self) -> list[dict]:
        """Updates not yet confirmed by the bot."""
        return list(self._pending)

    @property
    def closed(self) -> bool:
        return self._closed

    def wants(self, kind: str) -> bool:
        return kind in self._allowed if self._allowed else kind not in OPT_IN_TYPES

    def push(self, kind: str, payload: dict) -> dict | None:
        """Queue an update; like Telegram, types outside allowed_updates are never stored."""
        if not self.wants(kind):
            return None
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(update)
        self._arrived.set()
        return update

    def allow(self, kinds: object) -> None:
        """allowed_updates: a list sets them (an empty one restores the default); anything else keeps them."""
        if isinstance(kinds, list):
            self._allowed = frozenset(str(kind).lower() for kind in kinds) or None

    def drop(self) -> None:
        """deleteWebhook(drop_pending_updates=True): forget every pending update."""
        self._pending = []

    def confirm(self, offset: int) -> None:
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    async def get(self, offset: int, limit: int, timeout: float) -> list[dict]:
        """Confirm below `offset`, then answer at once or as soon as an update arrives within `timeout`."""
        self.confirm(offset)
        if not self._pending and timeout > 0 and not self._closed:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout)
            except TimeoutError:
                pass
        return self._pending[:limit]

    def close(self) -> None:
        """Release every long poll so the server can stop promptly."""
        self._closed = True
        self._arrived.set()
