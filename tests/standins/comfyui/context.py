"""What a running node may use: the disk, the fault knobs, progress reporting and interruption."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Callable

from .env import Env
from .script import Script


class InterruptProcessingException(Exception):
    """Raised where ComfyUI notices POST /interrupt: at a node boundary or a progress callback."""


@dataclass
class NodeContext:
    """Handed to every node executor as its first argument."""

    env: Env
    script: Script
    node_id: str
    interrupted: asyncio.Event
    report: Callable[[str, int, int, bool], None]

    def check_interrupt(self) -> None:
        if self.interrupted.is_set():
            raise InterruptProcessingException()

    async def step(self) -> None:
        """The time one sampling / training / upscaling step takes."""
        await asyncio.sleep(self.script.step_delay)

    async def progress(self, value: int, total: int, preview: bool = False) -> None:
        """comfy.utils.ProgressBar's hook: honour an interrupt, then send `progress` (and, for a sampler on a
        worker with a preview method, a preview frame after it)."""
        self.check_interrupt()
        self.report(self.node_id, value, total, preview)

    async def hang(self) -> None:
        """Never finish on one's own; only an interrupt (or stopping the server) ends this."""
        await self.interrupted.wait()
        raise InterruptProcessingException()
