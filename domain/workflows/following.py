"""Following one job on its worker: events become states, throttled progress and one final delivery."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from domain.jobs import Job, JobState, Progress
from ports.engine import EngineEvent, EngineUnavailable, EventKind
from ports.notifier import NoticeKind

if TYPE_CHECKING:
    from domain.workflows.runner import JobRunner, Worker


async def follow(runner: "JobRunner", job: Job, worker: "Worker") -> None:
    """Turn the worker's events into job states, throttled progress and a final delivery."""
    storage, clock, delivery, interval = runner.storage, runner.clock, runner.delivery, runner.config.progress_interval
    events: asyncio.Queue[EngineEvent | EngineUnavailable] = asyncio.Queue()
    pump = runner.spawn(_pump(worker.engine.follow(job.id), events))
    last_told, started = 0.0, None
    event: EngineEvent | EngineUnavailable | None
    try:
        while True:
            try:
                event = await asyncio.wait_for(events.get(), interval)
            except asyncio.TimeoutError:
                event = _estimated_progress(job, started, clock.now(), runner.config.seconds_per_training_step)
                if event is None:
                    continue
            if isinstance(event, Exception):
                raise event
            if event.final:
                await delivery.finish(job, worker.engine, event)
                return
            if job.state is JobState.QUEUED and event.kind in ("running", "progress"):
                job = await storage.jobs.save(job.to(JobState.RUNNING, clock.now()))
                await delivery.started(job)
                last_told = started = clock.now()
            if event.kind == "progress" and clock.now() - last_told >= interval:
                job = await storage.jobs.save(job.with_progress(_progress(event), clock.now()))
                await delivery.tell(job, NoticeKind.PROGRESS)
                last_told = clock.now()
    except EngineUnavailable as error:
        await runner.lost_worker(worker, job, error)
    finally:
        pump.cancel()


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
    return EngineEvent(EventKind.PROGRESS, value=min(done, steps - 1), max=steps, message="training (estimated)")


def _progress(event: EngineEvent) -> Progress:
    percent = 100.0 * event.value / event.max if event.max else 0.0
    return Progress(percent=round(percent, 1), step=event.value, total=event.max, message=event.message)
