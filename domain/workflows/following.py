"""Following one job on its worker: events become states, throttled progress, a time limit, one delivery."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from domain.jobs import Job, JobState, Progress
from domain.templates import Catalogue
from domain.wording import Failure, what_failed
from domain.workflows.delivery import Delivery
from domain.workflows.workers import RunnerConfig, Worker, WorkerPool
from ports.clock import Clock
from ports.engine import EngineEvent, EngineUnavailable, EventKind
from ports.notifier import NoticeKind
from ports.storage import Storage

log = logging.getLogger(__name__)
ESTIMATED = "estimated"  # training nodes report no steps: progress is estimated from the time elapsed


class Following:
    def __init__(self, storage: Storage, clock: Clock, delivery: Delivery, catalogue: Catalogue, pool: WorkerPool,
                 config: RunnerConfig):
        self.storage, self.clock, self.delivery, self.catalogue = storage, clock, delivery, catalogue
        self.pool, self.config = pool, config

    async def follow(self, job: Job, worker: Worker) -> None:
        """Until the job ends or its time limit passes. Raises EngineUnavailable when the worker stops answering."""
        interval, clock = self.config.progress_interval, self.clock
        limit = self._limit(job)
        events: asyncio.Queue[EngineEvent | EngineUnavailable] = asyncio.Queue()
        pump = asyncio.get_running_loop().create_task(_pump(worker.engine.follow(job.id), events))
        last_told = heard = begun = clock.now()
        started = begun if job.state is JobState.RUNNING else None
        pace = _Pace()
        event: EngineEvent | EngineUnavailable | None
        try:
            while True:
                if clock.now() - begun >= limit:
                    await self._time_out(job, worker, limit, quiet=clock.now() - heard >= limit)
                    return
                try:
                    event = await asyncio.wait_for(events.get(), min(interval, begun + limit - clock.now()))
                except asyncio.TimeoutError:
                    event = _estimated_progress(job, started, clock.now(), self.config.seconds_per_training_step)
                    if event is None:
                        continue
                else:
                    heard = clock.now()
                if isinstance(event, Exception):
                    raise event
                if event.final:
                    await self.delivery.finish(job, worker.engine, event)
                    return
                if job.state is JobState.QUEUED and event.kind in (EventKind.RUNNING, EventKind.PROGRESS):
                    job = await self.storage.jobs.save(job.to(JobState.RUNNING, clock.now()))
                    log.info("job %s started on %s", job.id, worker.name)
                    await self.delivery.started(job)
                    last_told = started = clock.now()
                measured = pace.progress(event, clock.now()) if event.kind == EventKind.PROGRESS else None
                if measured is not None and clock.now() - last_told >= interval:
                    job = await self.storage.jobs.save(job.with_progress(measured, clock.now()))
                    await self.delivery.tell(job, NoticeKind.PROGRESS)
                    last_told = clock.now()
        finally:
            pump.cancel()

    def _limit(self, job: Job) -> float:
        return self.catalogue.get(job.tool).limits.timeout_s if job.tool in self.catalogue else float("inf")

    async def _time_out(self, job: Job, worker: Worker, limit: float, quiet: bool) -> None:
        """Interrupt it on its worker, fail and refund it; a worker that said nothing all along is stalled."""
        try:
            await worker.engine.cancel(job.id)
        except EngineUnavailable as error:
            log.warning("job %s: interrupting it on %s failed: %s", job.id, worker.name, error)
        if quiet:
            self.pool.stall(worker)
        stored = await self.storage.jobs.get(job.id)
        if stored is not None and not stored.terminal:
            await self.delivery.end(stored, JobState.FAILED, Failure.TIME_LIMIT,
                                    f"ran past {limit:g} s on {worker.name}", what_failed(Failure.TIME_LIMIT, limit))


async def _pump(source: AsyncIterator[EngineEvent], events: asyncio.Queue[EngineEvent | EngineUnavailable]) -> None:
    """Read the engine's events in their own task, so a quiet worker never blocks estimated progress."""
    try:
        async for event in source:
            await events.put(event)
            if event.final:
                return
        await events.put(EngineUnavailable("the worker stopped reporting before the job ended"))
    except EngineUnavailable as error:
        await events.put(error)


def _estimated_progress(job: Job, started: float | None, now: float, seconds_per_step: float) -> EngineEvent | None:
    """Training nodes report no steps: estimate from elapsed time against the step count."""
    steps = int(job.params.get("steps") or 0)
    if job.kind != "training" or started is None or not steps:
        return None
    done = int((now - started) / seconds_per_step)
    return EngineEvent(EventKind.PROGRESS, value=min(done, steps - 1), max=steps, message=ESTIMATED)


class _Pace:
    """Seconds left, from the step rate measured since the first step of the current count (a worker may count
    several stages, each from zero). A worker's own words (node names) are never kept for users."""

    def __init__(self) -> None:
        self.since: tuple[float, int, int] | None = None  # (time, step, total) the rate is measured from

    def progress(self, event: EngineEvent, now: float) -> Progress:
        percent = 100.0 * event.value / event.max if event.max else 0.0
        if self.since is None or self.since[2] != event.max or event.value < self.since[1]:
            self.since = (now, event.value, event.max)
        left = None
        then, first, _ = self.since
        if event.value > first and now > then:
            left = (event.max - event.value) * (now - then) / (event.value - first)
        return Progress(percent=round(percent, 1), step=event.value, total=event.max,
                        message=ESTIMATED if event.message == ESTIMATED else "", seconds_left=left)

