"""Restart safety: every job whose work or money is unsettled is resumed, delivered, or failed and refunded once."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from domain.jobs import Job, JobState
from domain.wording import Failure
from domain.workflows.admission import Admission
from domain.workflows.delivery import Delivery
from domain.workflows.workers import Worker, WorkerPool
from ports.clock import Clock
from ports.engine import EngineEvent, EngineUnavailable, EventKind, PromptState
from ports.notifier import NoticeKind
from ports.storage import Storage

log = logging.getLogger(__name__)


@dataclass
class Resumption:
    """What the runner takes on again: jobs to put in line, and jobs to follow on their worker."""

    queue: list[Job] = field(default_factory=list)
    follow: list[tuple[Job, Worker]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("refunded", "requeued", "followed", "delivered", "failed", "dropped"), 0))


class Reconciler:
    def __init__(self, storage: Storage, clock: Clock, delivery: Delivery, admission: Admission, pool: WorkerPool):
        self.storage, self.clock, self.delivery, self.admission, self.pool = storage, clock, delivery, admission, pool

    async def reconcile(self, held: set[str]) -> Resumption:
        """Settle owed refunds, then take back every unfinished job no live instance holds. Nothing is
        ever submitted twice: a job its worker has is followed there, or delivered from there."""
        found = Resumption()
        for job in await self.storage.jobs.unsettled():
            if job.id not in held and await self.admission.claim(job.id):
                await self.delivery.settle(job)
                found.counts["refunded"] += 1
        for job in await self.storage.jobs.unfinished():
            if self.admission.underway(job) or job.id in held or not await self.admission.claim(job.id):
                continue  # being created right now, or another live instance holds it
            await self._take_back(job, found)
        if any(found.counts.values()):
            log.info("reconciled jobs: %s", found.counts)
        return found

    async def _take_back(self, job: Job, found: Resumption) -> None:
        if job.state is JobState.REQUESTED:
            admitted = await self.admission.finish(job)
            found.counts["requeued" if admitted else "dropped"] += 1
            if admitted is not None:
                found.queue.append(admitted)
        elif job.state is JobState.CHARGED or job.worker is None:
            found.queue.append(job)
            found.counts["requeued"] += 1
        else:
            found.counts[await self._resume_on_worker(job, found)] += 1

    async def _resume_on_worker(self, job: Job, found: Resumption) -> str:
        worker = self.pool.worker(job.worker)
        if worker is None:
            await self.delivery.end(job, JobState.FAILED, Failure.WORKER_LOST,
                                    f"its worker {job.worker} is no longer in service")
            return "failed"
        try:
            status = await worker.engine.status(job.id)
        except EngineUnavailable as error:
            log.warning("job %s: its worker %s did not answer after a restart: %s", job.id, worker.name, error)
            await self.delivery.end(job, JobState.FAILED, Failure.WORKER_LOST,
                                    "its worker did not answer after a restart")
            return "failed"
        if status.state in (PromptState.QUEUED, PromptState.RUNNING):
            worker.running.add(job.id)
            if job.state is JobState.RUNNING:  # its owner's status message is picked up again
                resumed = replace(job.progress, message="resumed after a restart")
                job = await self.storage.jobs.save(job.with_progress(resumed, self.clock.now()), durable=False)
                await self.delivery.tell(job, NoticeKind.PROGRESS)
            found.follow.append((job, worker))
            return "followed"
        if status.state == PromptState.UNKNOWN and job.state is JobState.QUEUED:
            # Never sent (the process stopped between choosing the worker and posting), or lost before
            # it began: sending it now cannot run it twice.
            found.queue.append(await self.storage.jobs.save(replace(job, worker=None, updated_at=self.clock.now())))
            return "requeued"
        if status.state == PromptState.UNKNOWN:
            await self.delivery.end(job, JobState.FAILED, Failure.WORKER_LOST,
                                    "its worker lost it (the worker restarted)")
            return "failed"
        await self.delivery.finish(job, worker.engine, EngineEvent(EventKind(status.state), message=status.message,
                                                                   outputs=status.outputs))
        return "delivered" if status.state == PromptState.SUCCEEDED else "failed"
