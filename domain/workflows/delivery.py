"""Delivery: fetch a finished job's outputs into blobs, end jobs, refund once, tell the owner."""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Protocol

from domain.blobs import BlobKey, extension_of
from domain.errors import DomainError
from domain.jobs import Job, JobState, Progress
from domain.templates import Catalogue
from domain.workflows.points import Points
from domain.workflows.requests import lora_output
from ports.blobs import BlobStore
from ports.clock import Clock
from ports.engine import EngineEvent, EngineUnavailable, EventKind, ImageEngine, OutputFile
from ports.notifier import Notice, NoticeKind, Notifier
from ports.storage import Storage

log = logging.getLogger(__name__)
_ENDINGS = {EventKind.FAILED: JobState.FAILED, EventKind.CANCELLED: JobState.CANCELLED}
_TOLD = {JobState.SUCCEEDED: NoticeKind.SUCCEEDED, JobState.FAILED: NoticeKind.FAILED,
         JobState.CANCELLED: NoticeKind.CANCELLED}


class Finisher(Protocol):
    """Kind-specific follow-up (training registers a model). `succeeding` may raise to fail the job."""

    async def started(self, job: Job) -> None: ...
    async def succeeding(self, job: Job) -> None: ...
    async def ended(self, job: Job) -> None: ...


class Delivery:
    def __init__(self, storage: Storage, blobs: BlobStore, notifier: Notifier, catalogue: Catalogue,
                 points: Points, clock: Clock):
        self.storage, self.blobs, self.notifier = storage, blobs, notifier
        self.catalogue, self.points, self.clock = catalogue, points, clock
        self.finishers: dict[str, Finisher] = {}

    async def tell(self, job: Job, kind: NoticeKind, position: int | None = None, text: str = "") -> None:
        try:
            await self.notifier.notify(job.origin, Notice(kind=kind, job=job, position=position, text=text))
        except Exception:  # a broken chat must never break the job
            log.exception("notifying about job %s failed", job.id)

    async def started(self, job: Job) -> None:
        finisher = self.finishers.get(job.kind)
        if finisher is not None:
            await finisher.started(job)
        await self.tell(job, NoticeKind.PROGRESS)

    async def finish(self, job: Job, engine: ImageEngine, event: EngineEvent) -> Job:
        if event.kind != EventKind.SUCCEEDED:
            return await self.end(job, _ENDINGS[event.kind], event.message or event.kind)
        try:
            outputs = await self._collect(job, engine, event.outputs)
        except (EngineUnavailable, DomainError, KeyError) as error:
            return await self.end(job, JobState.FAILED, f"the result could not be fetched: {error}")
        job = replace(job, outputs=outputs, progress=Progress(100.0, job.progress.total, job.progress.total, "done"))
        finisher = self.finishers.get(job.kind)
        try:
            if finisher is not None:
                await finisher.succeeding(job)
        except DomainError as error:
            return await self.end(job, JobState.FAILED, str(error))
        job = await self.storage.jobs.save(job.to(JobState.SUCCEEDED, self.clock.now()))
        if finisher is not None:
            await finisher.ended(job)
        await self.tell(job, NoticeKind.SUCCEEDED)
        return job

    async def end(self, job: Job, state: JobState, reason: str) -> Job:
        """Fail or cancel a job; if it was paid for, refund it exactly once and say so."""
        job = await self.storage.jobs.save(job.to(state, self.clock.now(), error=reason[:500]))
        if job.owes_refund:
            await self.points.refund(job, f"{state.value}: {reason}")
            job = await self.storage.jobs.save(replace(job, refunded=True))
        finisher = self.finishers.get(job.kind)
        if finisher is not None:
            await finisher.ended(job)
        await self.tell(job, _TOLD[state])
        return job

    async def _collect(self, job: Job, engine: ImageEngine, outputs: tuple[OutputFile, ...]) -> tuple[str, ...]:
        template = self.catalogue.get(job.tool)
        wanted = [o for o in outputs if not template.outputs or o.node in template.outputs]
        lora = lora_output(template, job)
        if lora is not None:
            wanted = [lora]
        if not wanted:
            raise DomainError("the workflow finished without producing an output")
        keys = []
        for number, output in enumerate(wanted):
            key = BlobKey.result(job.id, number, extension_of(output.filename))
            await self.blobs.put(str(key), await engine.fetch(output), key.content_type)
            keys.append(str(key))
        return tuple(keys)
