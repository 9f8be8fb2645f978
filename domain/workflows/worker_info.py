"""What the ComfyUI workers offer and how they are: names for suggestions (cached), health for operators."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

from domain.workflows.requests import offered_to_everyone
from domain.workflows.runner import JobRunner
from ports.clock import Clock
from ports.engine import EngineUnavailable

CHOICES_TTL_S = 60.0
CHOICES_TIMEOUT_S = 1.5  # Discord's autocomplete must answer within 3 seconds


@dataclass(frozen=True)
class WorkerState:
    name: str
    healthy: bool
    running: int


class Workers:
    def __init__(self, runner: JobRunner, clock: Clock):
        self.runner, self.clock = runner, clock
        self._cache: dict[str, tuple[float, list[str]]] = {}

    async def choices(self, kind: str) -> list[str]:
        """File names a healthy worker offers (checkpoints, loras), asked at most once a minute; [] if none answers.
        Station-trained LoRA files are left out: those are offered by model, to whom may use them."""
        cached = self._cache.get(kind)
        if cached and self.clock.now() - cached[0] < CHOICES_TTL_S:
            return cached[1]
        names: list[str] = []
        for engine in self.runner.healthy_engines()[:1]:
            try:
                names = offered_to_everyone(list(await asyncio.wait_for(engine.choices(kind), CHOICES_TIMEOUT_S)))
            except (EngineUnavailable, TimeoutError):  # suggestions only: a slow or broken worker means none
                names = []
        self._cache[kind] = (self.clock.now(), names)
        return names

    def any_healthy(self) -> bool:
        return bool(self.runner.healthy_engines())

    def states(self) -> list[WorkerState]:
        return [WorkerState(w.name, w.healthy, len(w.running)) for w in self.runner.workers]

    def queue_depth(self) -> int:
        return len(self.runner.queue)
