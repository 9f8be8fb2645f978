"""What a demo node may use while it runs: the files, progress reports, interruption, a thread for pixels."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from adapters.comfyui.demo.files import DemoFiles


class Interrupted(Exception):
    """POST /interrupt reached the running prompt (noticed between steps and nodes, as ComfyUI does)."""


@dataclass
class RunContext:
    files: DemoFiles
    node_id: str
    step_delay: float
    interrupted: asyncio.Event
    report: Callable[[str, int, int], None]  # (node, value, max): one websocket `progress` message

    def check(self) -> None:
        if self.interrupted.is_set():
            raise Interrupted()

    async def steps(self, total: int) -> AsyncIterator[int]:
        """Each step takes `step_delay` seconds and is reported, like a sampler's or a trainer's progress bar."""
        for value in range(1, total + 1):
            await asyncio.sleep(self.step_delay)
            self.check()
            self.report(self.node_id, value, total)
            yield value

    async def cpu(self, work: Callable[..., Any], *args: Any) -> Any:
        """Pixels are drawn off the event loop, which the station's own work shares."""
        return await asyncio.to_thread(work, *args)
