"""Following one job on its worker: events become states, throttled progress, a time limit, one delivery."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from domain.jobs import Job, JobState
from domain.settings import PREVIEWS, PREVIEWS_ON
from domain.templates import Catalogue
from domain.wording import Failure, what_failed
from domain.workflows.delivery import Delivery
from domain.workflows.pace import Newest, Pace, Untold, estimated_progress
from domain.workflows.workers import RunnerConfig, Worker, WorkerPool
from ports.clock import Clock
from ports.engine import EngineEvent, EngineUnavailable, EventKind
from ports.notifier import NoticeKind
from ports.storage import Storage

log = logging.getLogger(__name__)
REMEMBERED = 1000  # owners' preview settings kept for jobs being followed


class Following:
    def __init__(self, storage: Storage, clock: Clock, delivery: Delivery, catalogue: Catalogue, pool: WorkerPool,
                 config: RunnerConfig):
        self.storage, self.clock, self.delivery, self.catalogue = storage, clock, delivery, catalogue
        self.pool, self.config = pool, config
        self._previews_wanted: dict[str, bool] = {}  # job -> whether its owner wants previews (newest last)

    async def follow(self, job: Job, worker: Worker) -> None:
        """Until the job ends or its time limit passes. Raises EngineUnavailable when the worker stops answering.
        Progress and the newest preview are told at most once an interval; what came meanwhile waits its turn."""
        interval, clock = self.config.progress_interval, self.clock
        limit = self._limit(job)
        events: asyncio.Queue[EngineEvent | EngineUnavailable] = asyncio.Queue()
        newest = Newest()
        pump = asyncio.get_running_loop().create_task(_pump(worker.engine.follow(job.id), events, newest))
        last_told = heard = clock.now()
        # A job that was running before a restart keeps its clock: its time limit counts from when it began.
        begun = job.started_at if job.state is JobState.RUNNING and job.started_at is not None else heard
        started = begun if job.state is JobState.RUNNING else None
        pace, untold = Pace(), Untold()
        event: EngineEvent | EngineUnavailable | None
        try:
            while True:
                if clock.now() - begun >= limit:
                    await self._time_out(job, worker, limit, quiet=clock.now() - heard >= limit)
                    return
                due = last_told + interval - clock.now() if untold else interval
                try:
                    event = await asyncio.wait_for(events.get(), max(min(due, begun + limit - clock.now()), 0.001))
                except asyncio.TimeoutError:
                    event = None if pace.stepped or worker.counts_training else estimated_progress(
                        job, started, clock.now(), self.config.seconds_per_training_step)
                else:
                    heard = clock.now()
                if isinstance(event, Exception):
                    raise event
                if event is not None and event.final:
                    ended = await self.delivery.finish(job, worker.engine, event)
                    if job.long and ended.state is JobState.SUCCEEDED:
                        worker.counts_training = pace.stepped
                    self.pool.durations.ended(job.id, clock.now(), ended.state is JobState.SUCCEEDED)
                    return
                if event is not None and job.state is JobState.QUEUED and event.kind != EventKind.QUEUED:
                    # Not synced (nor is progress): after a power cut the restart asks the worker where it stands.
                    job = await self.storage.jobs.save(job.to(JobState.RUNNING, clock.now(), started_at=clock.now()),
                                                       durable=False)
                    log.info("job %s started on %s", job.id, worker.name)
                    self.pool.durations.began(job.id, worker.name, job.tool, clock.now())
                    await self.delivery.started(job)
                    last_told = started = clock.now()
                if event is not None and event.kind == EventKind.OUTPUT:
                    self.delivery.early(job, worker.engine, event.outputs)
                elif event is not None and event.kind == EventKind.PROGRESS:
                    untold.progress = pace.progress(event, clock.now())
                elif event is not None and event.kind == EventKind.PREVIEW and await self._wants_previews(job):
                    untold.preview = newest.take() or untold.preview
                if untold and clock.now() - last_told >= interval:
                    if untold.progress is not None:
                        job = await self.storage.jobs.save(job.with_progress(untold.progress, clock.now()),
                                                           durable=False)
                    await self.delivery.tell(job, NoticeKind.PROGRESS, preview=untold.preview)
                    untold, last_told = Untold(), clock.now()
        finally:
            pump.cancel()
            self.delivery.forget_early(job.id)
            self.pool.durations.ended(job.id, clock.now(), succeeded=False)  # a time-out or a lost worker

    async def _wants_previews(self, job: Job) -> bool:
        """The owner's setting, read once per job (at its first preview)."""
        if job.id not in self._previews_wanted:
            settings = await self.storage.settings.get(job.user_id)
            self._previews_wanted[job.id] = settings.get(PREVIEWS, PREVIEWS_ON) == PREVIEWS_ON
            while len(self._previews_wanted) > REMEMBERED:
                self._previews_wanted.pop(next(iter(self._previews_wanted)))
        return self._previews_wanted[job.id]

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


async def _pump(source: AsyncIterator[EngineEvent], events: asyncio.Queue[EngineEvent | EngineUnavailable],
                newest: Newest) -> None:
    """Read the engine's events in their own task, so a quiet worker never blocks estimated progress."""
    try:
        async for event in source:
            if event.kind == EventKind.PREVIEW:
                if newest.put(event.preview):
                    await events.put(EngineEvent(EventKind.PREVIEW))
                continue
            await events.put(event)
            if event.final:
                return
        await events.put(EngineUnavailable("the worker stopped reporting before the job ended"))
    except EngineUnavailable as error:
        await events.put(error)
