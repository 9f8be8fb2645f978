"""Job runner: fair dispatch to the least-loaded healthy worker, following each job to its end."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field, replace
from typing import Any

from domain.errors import DomainError, EngineRejected
from domain.jobs import Job, JobState
from domain.scheduling import FairQueue
from domain.workflows.delivery import Delivery
from domain.workflows.following import follow
from domain.workflows.reconcile import reconcile
from domain.workflows.requests import build_request
from ports.engine import EngineUnavailable, ImageEngine
from ports.notifier import NoticeKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunnerConfig:
    slots_per_worker: int = 2
    progress_interval: float = 3.0
    health_interval: float = 5.0
    seconds_per_training_step: float = 1.0
    instance: str = "stationthis"  # who holds a job's lease; a restarted instance takes its jobs back at once
    lease_seconds: float = 120.0


@dataclass(eq=False)
class Worker:
    engine: ImageEngine
    healthy: bool = True
    running: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.engine.name


class JobRunner:
    def __init__(self, delivery: Delivery, engines: list[ImageEngine], config: RunnerConfig):
        self.delivery = delivery
        self.storage, self.clock = delivery.storage, delivery.clock
        self.workers = [Worker(e) for e in engines]
        self.config = config
        self.queue = FairQueue()
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- lifecycle -------------------------------------------------------------
    async def start(self) -> None:
        await self.check_health()
        await reconcile(self)
        self.spawn(self._dispatch_loop())
        self.spawn(self._health_loop())
        self.spawn(self._lease_loop())

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- what use cases call ---------------------------------------------------
    async def claim(self, job_id: str) -> bool:
        """Hold the job for this instance (renewable); False while another live instance holds it."""
        now = self.clock.now()
        return await self.storage.jobs.claim(job_id, self.config.instance, now + self.config.lease_seconds, now)

    def held(self) -> set[str]:
        """The jobs this instance is queueing or following right now."""
        return self.queue.ids().union(*(w.running for w in self.workers))

    async def enqueue(self, job: Job) -> Job:
        """Put a charged job in line and tell its owner where it stands."""
        if not await self.claim(job.id):
            return job
        job = await self.storage.jobs.save(job.to(JobState.QUEUED, self.clock.now()))
        self.queue.push(job.id, job.user_id)
        self._wake.set()
        await self.delivery.tell(job, NoticeKind.QUEUED, position=self.position(job.id))
        return job

    def position(self, job_id: str) -> int | None:
        """1-based place in line, 0 once a worker has it, None if unknown here."""
        if job_id in self.queue:
            return self.queue.position(job_id)
        return 0 if any(job_id in w.running for w in self.workers) else None

    async def cancel(self, job: Job, reason: str = "cancelled") -> None:
        if self.queue.remove(job.id):
            await self.delivery.end(job, JobState.CANCELLED, reason)
            return
        worker = self.worker(job.worker)
        if worker is not None and not job.terminal:
            await worker.engine.cancel(job.id)

    def wake(self) -> None:
        self._wake.set()

    def worker(self, name: str | None) -> Worker | None:
        return next((w for w in self.workers if w.name == name), None)

    def healthy_engines(self) -> list[ImageEngine]:
        return [w.engine for w in self.workers if w.healthy]

    # -- dispatch --------------------------------------------------------------
    async def _dispatch_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while len(self.queue):
                worker = self._least_loaded()
                if worker is None:
                    break
                job_id = self.queue.pop()
                if job_id is None:
                    break
                worker.running.add(job_id)
                self.spawn(self._run(job_id, worker))

    def _least_loaded(self) -> Worker | None:
        free = [w for w in self.workers if w.healthy and len(w.running) < self.config.slots_per_worker]
        return min(free, key=lambda w: len(w.running)) if free else None

    async def _run(self, job_id: str, worker: Worker) -> None:
        try:
            job = await self.storage.jobs.get(job_id)
            if job is None or job.state is not JobState.QUEUED:
                return
            try:
                template = self.delivery.catalogue.get(job.tool)
                graph, uploads = await build_request(job, template, self.storage, self.delivery.blobs)
            except (DomainError, KeyError) as error:
                await self.delivery.end(job, JobState.FAILED, f"could not prepare the job: {error}")
                return
            job = await self.storage.jobs.save(replace(job, worker=worker.name, updated_at=self.clock.now()))
            try:
                await worker.engine.submit(job.id, graph, uploads)
            except EngineRejected as error:
                await self.delivery.end(job, JobState.FAILED, str(error))
                return
            except EngineUnavailable as error:
                await self.lost_worker(worker, job, error)
                return
            await self.follow(job, worker)
        except Exception:  # a bug must not kill the dispatcher; the job is failed and refunded
            log.exception("job %s crashed in the runner", job_id)
            job = await self.storage.jobs.get(job_id)
            if job is not None and not job.terminal:
                await self.delivery.end(job, JobState.FAILED, "internal error")
        finally:
            worker.running.discard(job_id)
            self._wake.set()

    async def follow(self, job: Job, worker: Worker) -> None:
        await follow(self, job, worker)

    async def lost_worker(self, worker: Worker, job: Job, error: Exception) -> None:
        worker.healthy = False
        log.warning("worker %s stopped answering: %s", worker.name, error)
        found = await self.storage.jobs.get(job.id)
        if found is None:
            return
        job = found
        if job.state is JobState.QUEUED:
            job = await self.storage.jobs.save(replace(job, worker=None, updated_at=self.clock.now()))
            self.queue.push(job.id, job.user_id, front=True)
            self._wake.set()
        elif not job.terminal:
            await self.delivery.end(job, JobState.FAILED, f"the worker stopped answering ({error})")

    # -- health ----------------------------------------------------------------
    async def check_health(self) -> None:
        for worker in self.workers:
            try:
                worker.healthy = (await worker.engine.health()).ok
            except EngineUnavailable:
                worker.healthy = False
        self._wake.set()

    async def _health_loop(self) -> None:
        while True:
            await self.clock.sleep(self.config.health_interval)
            await self.check_health()

    async def _lease_loop(self) -> None:
        """Renew what this instance holds; adopt jobs whose instance died and let its lease lapse."""
        while True:
            await self.clock.sleep(self.config.lease_seconds / 4)
            for job_id in self.held():
                await self.claim(job_id)
            await reconcile(self)

