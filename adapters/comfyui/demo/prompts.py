"""The demo worker's queue: prompts waiting in order, the one running, and the history of finished ones (in memory)."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Prompt:
    number: int
    prompt_id: str
    graph: dict[str, Any]
    extra_data: dict[str, Any]
    outputs: list[str]

    @property
    def client_id(self) -> str | None:
        return self.extra_data.get("client_id")

    def item(self) -> list[Any]:
        """How /queue and /history show it: [number, prompt_id, graph, extra_data, output node ids]."""
        return [self.number, self.prompt_id, self.graph, self.extra_data, self.outputs]


class PromptQueue:
    """One prompt runs at a time; `on_change` is told whenever the count of waiting and running prompts changes."""

    def __init__(self, on_change: Callable[[], None]):
        self.pending: list[Prompt] = []
        self.running: Prompt | None = None
        self.history: dict[str, dict[str, Any]] = {}
        self.interrupted = asyncio.Event()
        self._arrived = asyncio.Event()
        self._count = 0
        self._on_change = on_change

    def put(self, prompt_id: str, graph: dict[str, Any], extra_data: dict[str, Any], outputs: list[str]) -> int:
        number, self._count = self._count, self._count + 1
        self.pending.append(Prompt(number, prompt_id, graph, extra_data, outputs))
        self._arrived.set()
        self._on_change()
        return number

    async def take(self) -> Prompt:
        while not self.pending:
            self._arrived.clear()
            await self._arrived.wait()
        self.running = self.pending.pop(0)
        self.interrupted.clear()
        self._on_change()
        return self.running

    def finish(self, prompt: Prompt, entry: dict[str, Any]) -> None:
        """Write the history entry first: clients read it as soon as they hear the prompt ended."""
        self.history[prompt.prompt_id] = {"prompt": prompt.item(), **entry}
        self.running = None
        self._on_change()

    def delete(self, prompt_ids: list[str]) -> None:
        self.pending = [p for p in self.pending if p.prompt_id not in prompt_ids]
        self._on_change()

    def interrupt(self, prompt_id: str | None) -> None:
        """Stop the running prompt (only if it is `prompt_id`, when one is named)."""
        if self.running is not None and prompt_id in (None, self.running.prompt_id):
            self.interrupted.set()

    def remaining(self) -> int:
        return len(self.pending) + (self.running is not None)

    def lists(self) -> dict[str, list[Any]]:
        return {"queue_running": [self.running.item()] if self.running else [],
                "queue_pending": [p.item() for p in self.pending]}
