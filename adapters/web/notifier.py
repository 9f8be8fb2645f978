"""WebNotifier: the latest notice and preview per job, and a wake-up for pages following a job live."""
from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import replace

from domain.reply import ReplyTo
from ports.notifier import Notice

KEEP = 5000
KEEP_PREVIEWS = 200  # the newest picture of this many jobs (running, or stopped with their last preview shown)


class WebNotifier:
    """Progress is stored with the job; notices add the queue position and wake waiting streams."""

    def __init__(self, keep: int = KEEP, keep_previews: int = KEEP_PREVIEWS):
        self._latest: OrderedDict[str, Notice] = OrderedDict()
        self._previews: OrderedDict[str, tuple[int, bytes]] = OrderedDict()  # job -> (its count, the picture)
        self._keep_previews = keep_previews
        self._waiting: dict[str, asyncio.Event] = {}
        self._keep = keep
        self.closed = False

    async def notify(self, origin: ReplyTo, notice: Notice) -> None:
        if notice.job is None:
            return
        job_id = notice.job.id
        if notice.preview:
            number = self._previews.pop(job_id, (0, b""))[0] + 1
            self._previews[job_id] = (number, notice.preview)
            while len(self._previews) > self._keep_previews:
                self._previews.popitem(last=False)
            notice = replace(notice, preview=b"")  # kept once, above
        self._latest[job_id] = notice
        self._latest.move_to_end(job_id)
        while len(self._latest) > self._keep:
            self._latest.popitem(last=False)
        event = self._waiting.pop(job_id, None)
        if event is not None:
            event.set()

    def latest(self, job_id: str) -> Notice | None:
        return self._latest.get(job_id)

    def preview(self, job_id: str) -> tuple[int, bytes] | None:
        """The newest preview of the job and how many came before it (to tell pages it changed)."""
        return self._previews.get(job_id)

    async def wait(self, job_id: str, timeout: float) -> bool:
        """Until the next notice about the job (True), or `timeout` seconds (False)."""
        if self.closed:
            return False
        event = self._waiting.setdefault(job_id, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except TimeoutError:
            if self._waiting.get(job_id) is event:  # followers re-read the job on timeouts anyway
                del self._waiting[job_id]
            return False

    def close(self) -> None:
        """Wake every follower so streams end before the server stops."""
        self.closed = True
        for event in self._waiting.values():
            event.set()
        self._waiting.clear()
