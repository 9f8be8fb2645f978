"""Following one prompt to its end: websocket messages while the socket is up, /history and /queue polls otherwise."""
from __future__ import annotations

import asyncio
import time
from typing import AsyncIterator, Awaitable, Callable

from adapters.comfyui.history import failure_message, interruption_message, outputs_of
from adapters.comfyui.socket import CONNECTED, DROPPED, PREVIEW, ComfyUISocket
from ports.engine import EngineEvent, EngineUnavailable, EventKind, OutputFile, PromptState, PromptStatus

IDLE_POLLS = 5  # while the socket is up but silent, confirm by HTTP every this many poll intervals
LOST_AFTER = 2  # consecutive "unknown" answers before a prompt counts as lost


class PromptFollower:
    def __init__(self, name: str, prompt_id: str, socket: ComfyUISocket,
                 status: Callable[[str], Awaitable[PromptStatus]], was_cancelled: Callable[[str], bool],
                 poll_interval: float, timeout: float):
        self.name, self.prompt_id, self.socket = name, prompt_id, socket
        self._status, self._was_cancelled = status, was_cancelled
        self.poll_interval, self.timeout = poll_interval, timeout
        self._said: set[EventKind] = set()  # "queued" and "running" are told once each
        self._unknown = 0
        self._failing_since: float | None = None

    async def events(self, queue: asyncio.Queue | None = None, poll_first: bool = True) -> AsyncIterator[EngineEvent]:
        """`queue`: a subscription made before the prompt was posted; on a live socket it missed nothing,
        so no first poll is needed (`poll_first` False). Without one, poll first: it may have ended already."""
        queue = queue or self.socket.subscribe(self.prompt_id)
        try:
            poll_now, ending = poll_first, False
            while True:
                if poll_now or not self.socket.connected:
                    for event in await self._poll():
                        yield event
                        if event.final:
                            return
                quiet = self.socket.connected and not ending
                try:  # messages come in bursts: take what is there without arming a timer
                    kind, data = queue.get_nowait() if not queue.empty() else \
                        await asyncio.wait_for(queue.get(), self.poll_interval * (IDLE_POLLS if quiet else 1))
                except TimeoutError:
                    poll_now = True
                    continue
                ending = ending or (kind == "executing" and data.get("node") is None)
                poll_now = ending or kind in (CONNECTED, DROPPED)  # history is written before executing{null}
                for event in self._from_message(kind, data):
                    yield event
                    if event.final:
                        return
        finally:
            self.socket.unsubscribe(self.prompt_id, queue)

    def _from_message(self, kind: str, data: dict) -> list[EngineEvent]:
        if kind == "execution_error":
            return [EngineEvent(EventKind.FAILED, message=failure_message(data))]
        if kind == "execution_interrupted":
            return [EngineEvent(EventKind.CANCELLED, message=interruption_message(data))]
        if kind == "execution_start" or (kind == "executing" and data.get("node") is not None):
            return self._once(EventKind.RUNNING)
        if kind == "progress":
            progress = EngineEvent(EventKind.PROGRESS, value=_int(data.get("value")), max=_int(data.get("max")),
                                   message=f"node {data.get('node')}")
            return self._once(EventKind.RUNNING) + [progress]
        if kind == "executed" and isinstance(data.get("output"), dict):  # an output node saved its files
            saved = tuple(o for o in outputs_of(self.prompt_id, {str(data.get("node")): data["output"]})
                          if isinstance(o, OutputFile))
            return self._once(EventKind.RUNNING) + [EngineEvent(EventKind.OUTPUT, outputs=saved)] if saved else []
        if kind == PREVIEW:
            image = self.socket.previews.take(self.prompt_id)
            return self._once(EventKind.RUNNING) + [EngineEvent(EventKind.PREVIEW, preview=image)] if image else []
        return []

    async def _poll(self) -> list[EngineEvent]:
        """The prompt's state by HTTP; raises EngineUnavailable once the server has failed for `timeout` seconds."""
        started = time.monotonic()
        budget = self.timeout - (started - (self._failing_since or started))
        try:
            status = await asyncio.wait_for(self._status(self.prompt_id), max(budget, 0.001))
        except (EngineUnavailable, TimeoutError) as error:
            self._failing_since = self._failing_since or started
            if time.monotonic() - self._failing_since >= self.timeout:
                raise EngineUnavailable(f"ComfyUI at {self.name} stopped answering for {self.timeout:g} s "
                                        f"while running {self.prompt_id}: {str(error) or 'no answer'}") from None
            return []
        self._failing_since = None
        self._unknown = self._unknown + 1 if status.state == PromptState.UNKNOWN else 0
        if status.state in (PromptState.QUEUED, PromptState.RUNNING):
            return self._once(EventKind(status.state))
        if status.state != PromptState.UNKNOWN:
            return [EngineEvent(EventKind(status.state), message=status.message, outputs=status.outputs)]
        if self._unknown < LOST_AFTER:
            return []
        if self._was_cancelled(self.prompt_id):
            return [EngineEvent(EventKind.CANCELLED, message="removed from the queue")]
        return [EngineEvent(EventKind.FAILED,
                            message=f"ComfyUI at {self.name} no longer knows this prompt (restarted?)")]

    def _once(self, kind: EventKind) -> list[EngineEvent]:
        if kind in self._said:
            return []
        self._said.add(kind)
        return [EngineEvent(kind)]


def _int(value: object) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
