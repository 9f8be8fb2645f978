"""Restart safety: every unfinished job is matched with its worker, finished or failed exactly once."""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from domain.jobs import Job, JobState
from domain.ledger import charge_key
from ports.engine import EngineEvent, EngineUnavailable, EventKind, PromptState

if TYPE_CHECKING:
    from domain.workflows.runner import JobRunner, Worker

log = logging.getLogger(__name__)


async def reconcile(runner: "JobRunner") -> dict[str, int]:
    """Resume what can be resumed; fail and refund what was lost. Nothing is ever submitted twice."""
    storage, delivery, clock = runner.storage, runner.delivery, runner.clock
    counts = {"requeued": 0, "followed": 0, "delivered": 0, "failed": 0}
    for job in await storage.jobs.unfinished():
        fresh = job.state is JobState.REQUESTED and clock.now() - job.updated_at < runner.config.lease_seconds / 4
        if fresh or job.id in runner.held() or not await runner.claim(job.id):
            continue  # being created right now, or another live instance holds it
        if job.state is JobState.REQUESTED:
            if await storage.ledger.by_key(charge_key(job.id)) is not None:
                job = replace(job, paid=True)
            await delivery.end(job, JobState.FAILED, "interrupted before it was queued")
            counts["failed"] += 1
        elif job.state is JobState.CHARGED:
            await runner.enqueue(job)
            counts["requeued"] += 1
        elif job.worker is None:
            runner.queue.push(job.id, job.user_id)
            counts["requeued"] += 1
        else:
            counts[await _resume_on_worker(runner, job)] += 1
    if any(counts.values()):
        log.info("reconciled unfinished jobs: %s", counts)
    return counts


async def _resume_on_worker(runner: "JobRunner", job: Job) -> str:
    worker = runner.worker(job.worker)
    if worker is None:
        await runner.delivery.end(job, JobState.FAILED, "its worker is no longer configured")
        return "failed"
    try:
        status = await worker.engine.status(job.id)
    except EngineUnavailable as error:
        await runner.delivery.end(job, JobState.FAILED, f"its worker did not answer after a restart ({error})")
        return "failed"
    if status.state in (PromptState.QUEUED, PromptState.RUNNING):
        worker.running.add(job.id)
        runner.spawn(_follow_then_free(runner, job, worker))
        return "followed"
    if status.state == PromptState.UNKNOWN:
        await runner.delivery.end(job, JobState.FAILED, "the worker lost it (restarted?)")
        return "failed"
    await runner.delivery.finish(job, worker.engine, EngineEvent(EventKind(status.state), message=status.message,
                                                                 outputs=status.outputs))
    return "delivered" if status.state == PromptState.SUCCEEDED else "failed"


async def _follow_then_free(runner: "JobRunner", job: Job, worker: "Worker") -> None:
    try:
        await runner.follow(job, worker)
    finally:
        worker.running.discard(job.id)
        runner.wake()
