"""Delivery: fetch a finished job's outputs into blobs, end jobs with their refund, tell the owner."""
from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import replace
from typing import Protocol

from domain.blobs import BlobKey, extension_of, is_image
from domain.errors import DomainError
from domain.jobs import Job, JobState, Progress
from domain.outputs import TEXT_EXTENSION, OutputKind, keeps
from domain.templates import Catalogue
from domain.wording import Failure, what_failed
from domain.workflows.points import Points
from domain.workflows.requests import lora_output
from ports.blobs import BlobStore
from ports.clock import Clock
from ports.engine import EngineEvent, EngineUnavailable, EventKind, ImageEngine, Output, OutputFile, OutputText
from ports.media import MediaProcessor
from ports.notifier import Notice, NoticeKind, Notifier
from ports.storage import Storage

log = logging.getLogger(__name__)
_TOLD = {JobState.SUCCEEDED: NoticeKind.SUCCEEDED, JobState.FAILED: NoticeKind.FAILED,
         JobState.CANCELLED: NoticeKind.CANCELLED}


class Finisher(Protocol):
    """Kind-specific follow-up (training registers a model). Each step may be repeated after a crash;
    `succeeding` may raise DomainError to fail the job."""

    async def started(self, job: Job) -> None: ...
    async def succeeding(self, job: Job) -> None: ...
    async def ended(self, job: Job) -> None: ...


class Delivery:
    def __init__(self, storage: Storage, blobs: BlobStore, notifier: Notifier, catalogue: Catalogue,
                 points: Points, clock: Clock, finishers: dict[str, Finisher], media: MediaProcessor,
                 keep_metadata: bool = False):
        self.storage, self.blobs, self.notifier = storage, blobs, notifier
        self.catalogue, self.points, self.clock = catalogue, points, clock
        self.finishers = finishers
        self.media, self.keep_metadata = media, keep_metadata  # ComfyUI writes the workflow into its files
        self._stopping: dict[str, Failure] = {}  # jobs asked to stop on their worker, and why
        self._early: dict[str, dict[Output, asyncio.Task[str]]] = {}  # job -> outputs being kept before it ends

    def stopping(self, job_id: str, why: Failure) -> None:
        """The worker will report this job cancelled: `why` is what its owner is told (else "stopped")."""
        self._stopping[job_id] = why

    async def tell(self, job: Job, kind: NoticeKind, position: int | None = None, text: str = "",
                   preview: bytes = b"", wait: float | None = None) -> None:
        if job.quiet:
            return  # its finisher tells the owner about the whole set
        try:
            await self.notifier.notify(job.origin, Notice(kind=kind, job=job, position=position, text=text,
                                                          preview=preview, wait=wait))
        except Exception:  # a broken chat must never break the job
            log.exception("notifying about job %s failed", job.id)

    async def started(self, job: Job) -> None:
        finisher = self.finishers.get(job.kind)
        if finisher is not None:
            await finisher.started(job)
        await self.tell(job, NoticeKind.PROGRESS)

    def early(self, job: Job, engine: ImageEngine, outputs: tuple[Output, ...]) -> None:
        """Start keeping the results a node saved while the prompt ends and its history is read, so that the final
        delivery finds them stored. A training keeps its model first, so it waits for the end."""
        if job.tool not in self.catalogue or lora_output(self.catalogue.get(job.tool), job) is not None:
            return
        kept = self._early.setdefault(job.id, {})
        for output in self._wanted(job, outputs):
            if output not in kept:
                kept[output] = asyncio.get_running_loop().create_task(self._keep(job, len(kept), engine, output))
                kept[output].add_done_callback(_seen)

    def forget_early(self, job_id: str) -> None:
        """The job left its worker without an end (the worker was lost, the station is stopping): its next delivery
        stores its results again, under the same keys."""
        for task in self._early.pop(job_id, {}).values():
            task.cancel()

    async def finish(self, job: Job, engine: ImageEngine, event: EngineEvent) -> Job:
        if event.kind == EventKind.CANCELLED:
            why = self._stopping.pop(job.id, Failure.STOPPED)
            return await self.end(job, JobState.CANCELLED, why, event.message)
        self._stopping.pop(job.id, None)
        if event.kind != EventKind.SUCCEEDED:
            return await self.end(job, JobState.FAILED, Failure.WORKER_ERROR, event.message)
        try:
            outputs = await self._collect(job, engine, event.outputs)
        except DomainError as error:
            return await self.end(job, JobState.FAILED, Failure.NO_RESULT, str(error))
        except (EngineUnavailable, KeyError) as error:
            return await self.end(job, JobState.FAILED, Failure.NO_RESULT, f"fetching its result failed: {error}")
        job = replace(job, outputs=outputs, progress=Progress(100.0, job.progress.total, job.progress.total, "done"))
        finisher = self.finishers.get(job.kind)
        try:
            if finisher is not None:
                await finisher.succeeding(job)
        except DomainError as error:
            return await self.end(job, JobState.FAILED, Failure.NO_RESULT, str(error))
        job = await self.storage.jobs.save(job.to(JobState.SUCCEEDED, self.clock.now()))
        log.info("job %s succeeded in %.1f s with %d outputs", job.id, self._age(job), len(job.outputs))
        if finisher is not None:
            await finisher.ended(job)
        await self.tell(job, NoticeKind.SUCCEEDED)
        return job

    async def end(self, job: Job, state: JobState, failure: Failure, detail: str = "", what: str = "") -> Job:
        """Fail or cancel a job; if it was paid for, its refund is stored with the new state. The owner reads
        `what` (plain words, by default the failure's own); `detail` is for the log only."""
        what = what_failed(failure, said=what)
        await self._discard(job, self._early.pop(job.id, {}), keep=[])
        refund = await self.points.refund_entry(job, f"{state.value}: {what}") if job.paid else None
        ended = job.to(state, self.clock.now(), error=what[:500], failure=failure.value,
                       refunded=job.refunded or refund is not None)
        job = await self.storage.jobs.save(ended, refund)
        log.info("job %s %s after %.1f s: %s", job.id, state.value, self._age(job), (detail or what)[:300])
        if refund is not None:
            log.info("job %s refunded %d points", job.id, refund.amount)
        finisher = self.finishers.get(job.kind)
        if finisher is not None:
            await finisher.ended(job)
        await self.tell(job, _TOLD[state])
        return job

    async def settle(self, job: Job) -> Job:
        """Post the refund an ended job still owes (a crash came between the two); its key makes it once."""
        refund = await self.points.refund_entry(job, f"{job.state.value}: {job.error or ''}")
        job = await self.storage.jobs.save(replace(job, refunded=True), refund)
        log.info("job %s refunded %d points after a restart", job.id, refund.amount if refund else 0)
        await self.tell(job, _TOLD[job.state])
        return job

    def _age(self, job: Job) -> float:
        return max(0.0, self.clock.now() - job.created_at)

    def _wanted(self, job: Job, outputs: tuple[Output, ...]) -> list[Output]:
        template = self.catalogue.get(job.tool)
        return [o for o in outputs if (not template.outputs or o.node in template.outputs) and _of_kind(job.output, o)]

    async def _collect(self, job: Job, engine: ImageEngine, outputs: tuple[Output, ...]) -> tuple[str, ...]:
        """The output nodes' results of the job's kind, stored as results/<job>/<n>.<ext> (text as .txt); those kept
        early are taken as kept (numbered in the order they came, the rest after them). Should this fail, `end`
        removes what was kept early."""
        early = self._early.get(job.id, {})
        wanted, lora = self._wanted(job, outputs), lora_output(self.catalogue.get(job.tool), job)
        extras: list[OutputFile] = []
        if lora is not None:  # a training: the model first, then the pictures it showed (its loss curve)
            wanted, extras = [lora], [o for o in outputs if isinstance(o, OutputFile) and is_image(o.filename)]
        if not wanted:
            raise DomainError("the workflow finished without producing an output")
        keys, numbers = [], itertools.count(len(early))
        for output in wanted:
            kept = await _result_of(early.get(output))
            keys.append(kept or await self._keep(job, next(numbers), engine, output))
        await self._discard(job, self._early.pop(job.id, {}), keep=keys)
        for output in extras:  # nice to have: a training is not failed for a picture the worker lost
            try:
                keys.append(await self._keep(job, len(keys), engine, output))
            except EngineUnavailable as error:
                log.warning("job %s: its %s is gone: %s", job.id, output.filename, error)
        return tuple(keys)

    async def _discard(self, job: Job, early: dict[Output, asyncio.Task[str]], keep: list[str]) -> None:
        """Remove what was kept early and is not among the job's results (it failed, or the node's files were not
        the ones its history named). One still being kept is awaited: its write would land after a cancel."""
        for task in early.values():
            key = await _result_of(task)
            if key is not None and key not in keep:
                try:
                    await self.blobs.delete(key)
                except OSError as error:
                    log.warning("job %s: removing %s failed: %s", job.id, key, error)

    async def _keep(self, job: Job, number: int, engine: ImageEngine, output: Output) -> str:
        if isinstance(output, OutputText):
            key, data = BlobKey.result(job.id, number, TEXT_EXTENSION), output.text.strip().encode()
        else:
            key, data = BlobKey.result(job.id, number, extension_of(output.filename)), await engine.fetch(output)
        if not self.keep_metadata:  # the one place results are stored, so every face serves clean files
            data = self.media.without_metadata(data)
        await self.blobs.put(str(key), data, key.content_type)
        return str(key)


async def _result_of(task: asyncio.Task[str] | None) -> str | None:
    """The key a result was kept under early, or None where that failed (the final delivery tries again)."""
    if task is None or task.cancelled():
        return None
    try:
        return await task
    except Exception as error:  # whatever it was, keeping it at the end tries again and reports it there
        log.info("a result kept early is kept again at the end: %s", error)
        return None


def _seen(task: asyncio.Task[str]) -> None:
    """A result kept early that nobody awaits (its job was forgotten) must not log "exception never retrieved"."""
    if not task.cancelled():
        task.exception()


def _of_kind(kind: OutputKind, output: Output) -> bool:
    if isinstance(output, OutputText):
        return kind is OutputKind.TEXT and bool(output.text.strip())
    return keeps(kind, output.filename)
