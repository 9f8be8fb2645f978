"""Model names a worker offers (checkpoints), asked at most once a minute, for form suggestions."""
from __future__ import annotations

import asyncio
import time

from ports.engine import EngineUnavailable

TTL_S = 60.0
TIMEOUT_S = 2.0


class EngineChoices:
    def __init__(self, runner):
        self._runner = runner
        self._cache: dict[str, tuple[float, list[str]]] = {}

    async def get(self, kind: str) -> list[str]:
        cached = self._cache.get(kind)
        if cached and time.monotonic() - cached[0] < TTL_S:
            return cached[1]
        names: list[str] = []
        for engine in self._runner.healthy_engines()[:1]:
            try:
                names = list(await asyncio.wait_for(engine.choices(kind), TIMEOUT_S))
            except (EngineUnavailable, TimeoutError):  # suggestions only: a slow or broken worker means none
                names = []
        self._cache[kind] = (time.monotonic(), names)
        return names
