"""Job runner: fair dispatch to the least-loaded healthy worker, following each job to its end."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from typing import Any

from domain.errors import ConcurrentUpdate, DomainError, EngineRejected
from domain.jobs import Job, JobState
from domain.limits import duration
from domain.scheduling import FairQueue
from domain.templates import Catalogue
from domain.wording import Failure, what_failed
from domain.workflows.admission import Admission
from domain.workflows.delivery import Delivery
from domain.workflows.following import Following
from domain.workflows.lora_delivery import LoraDelivery, station_loras
from domain.workflows.reconcile import Reconciler
from domain.workflows.requests import build_request
from domain.workflows.workers import RunnerConfig, Worker, WorkerPool
from ports.blobs import BlobStore
from ports.clock import Clock
from ports.engine import EngineUnavailable, ImageEngine
from ports.notifier import NoticeKind
from ports.storage import Storage

log = logging.getLogger(__name__)


class JobRunner:
    def __init__(self, storage: Storage, blobs: BlobStore, catalogue: Catalogue, clock: Clock, delivery: Delivery,
                 admission: Admission, pool: WorkerPool, following: Following, reconciler: Reconciler,
                 config: RunnerConfig, loras: LoraDelivery | None = None):
        self.storage, self.blobs, self.catalogue, self.clock = storage, blobs, catalogue, clock
        self.delivery, self.admission, self.pool = delivery, admission, pool
        self.following, self.reconciler, self.config, self.loras = following, reconciler, config, loras
        self.queue = FairQueue()
        self.lora_needs: dict[str, frozenset[str]] = {}  # a job in line -> the trained LoRAs it loads
        self._asked_at: dict[str, float] = {}  # when each job in line was asked for (for the queue timeout)
        # Each waiting job as it was put in line (a job in line does not change), and the place its owner was last told.
        self._told: dict[str, tuple[Job, int]] = {}
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- lifecycle -------------------------------------------------------------
    async def start(self) -> None:
        await self.check_health()
        await self.reconcile()
        self.spawn(self._dispatch_loop())
        self.spawn(self._every(self.config.health_interval, self.check_health))
        self.spawn(self._every(self.config.lease_seconds / 4, self._renew_leases))
        self.spawn(self._every(min(5.0, self.config.queue_timeout / 4), self._expire_queued))
        self.spawn(self._every(max(self.config.progress_interval, 0.05), self._tell_places))

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
    @property
    def workers(self) -> list[Worker]:
        return self.pool.workers

    def healthy_engines(self) -> list[ImageEngine]:
        return self.pool.healthy_engines()

    async def check_health(self) -> None:
        await self.pool.check_health()
        self._wake.set()

    def held(self) -> set[str]:
        """The jobs this instance is queueing or following right now."""
        return self.queue.ids() | self.pool.running()

    async def enqueue(self, job: Job) -> Job:
        """Put a charged job in line and tell its owner where it stands. A job that another path put in line
        meanwhile (a reconcile taking a job admitted a moment ago, say) stays where it is, once."""
        if not await self.admission.claim(job.id):
            return job
        if job.state is JobState.CHARGED:
            try:
                # Not synced: after a power cut the job is still charged, and the restart queues it again.
                job = await self.storage.jobs.save(job.to(JobState.QUEUED, self.clock.now()), durable=False)
            except ConcurrentUpdate:  # the other path saved it first and puts it in line
                return await self.storage.jobs.get(job.id) or job
        if job.id in self.held():
            return job
        self._push(job)
        place = self.position(job.id) or 0
        self._told[job.id] = (job, place)
        await self.delivery.tell(job, NoticeKind.QUEUED, position=place, wait=self.expected_start(job))
        if not self.pool.healthy_engines():
            await self.delivery.tell(job, NoticeKind.TEXT, text=f"No worker can run /{job.tool} right now; your job waits "
                                     f"up to {duration(self.config.queue_timeout)} and your points come back "
                                     "if none returns.")
        return job

    def position(self, job_id: str) -> int | None:
        """1-based place in line, 0 once a worker has it, None if unknown here."""
        if job_id in self.queue:
            return self.queue.position(job_id)
        return 0 if job_id in self.pool.running() else None

    def expected_start(self, job: Job) -> float | None:
        """Seconds until the waiting job should start, from recent durations; None when not known here."""
        place = self.queue.position(job.id) if job.id in self.queue else None
        if not place:
            return None
        healthy = sum(1 for w in self.pool.workers if w.healthy)
        return self.pool.durations.start_in(job.tool, place - 1, self.pool.running(), healthy, self.clock.now())

    async def cancel(self, job: Job, why: Failure = Failure.CANCELLED_BY_YOU) -> None:
        if self.queue.remove(job.id):
            self.lora_needs.pop(job.id, None)
            await self.delivery.end(job, JobState.CANCELLED, why)
            return
        worker = self.pool.worker(job.worker)
        if worker is not None and not job.terminal:
            self.delivery.stopping(job.id, why)
            await worker.engine.cancel(job.id)

    async def reconcile(self) -> dict[str, int]:
        resumed = await self.reconciler.reconcile(self.held())
        for job in resumed.queue:
            await self.enqueue(job)
        for job, worker in resumed.follow:
            self.spawn(self._follow_then_free(job, worker))
        return resumed.counts

    # -- dispatch --------------------------------------------------------------
    async def _dispatch_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while len(self.queue):
                worker = self.pool.least_loaded()
                if worker is None:
                    break
                job_id = self.queue.pop()
                if job_id is None:
                    break
                worker = self.pool.least_loaded(self.lora_needs.pop(job_id, frozenset())) or worker
                worker.running.add(job_id)
                self.spawn(self._run(job_id, worker))

    async def _run(self, job_id: str, worker: Worker) -> None:
        try:
            job = await self.storage.jobs.get(job_id)
            if job is not None and job.state is JobState.QUEUED:
                await self._dispatch(job, worker)
        except Exception:  # a bug must not kill the dispatcher; the job is failed and refunded
            log.exception("job %s crashed in the runner", job_id)
            job = await self.storage.jobs.get(job_id)
            if job is not None and not job.terminal:
                await self.delivery.end(job, JobState.FAILED, Failure.INTERNAL, "the runner crashed on it")
        finally:
            worker.running.discard(job_id)
            self._wake.set()

    async def _dispatch(self, job: Job, worker: Worker) -> None:
        try:
            template = self.catalogue.get(job.tool)
            graph, uploads = await build_request(job, template, self.storage, self.blobs)
            if self.loras is not None:
                worker.loras |= await self.loras.ensure(job, template, worker.engine)
        except DomainError as error:  # its words are plain already
            await self.delivery.end(job, JobState.FAILED, Failure.CANNOT_PREPARE, what=str(error))
            return
        except KeyError as error:
            await self.delivery.end(job, JobState.FAILED, Failure.CANNOT_PREPARE, f"a stored file is gone: {error}")
            return
        except EngineUnavailable as error:
            await self._lost_worker(worker, job, error)
            return
        job = await self.storage.jobs.save(replace(job, worker=worker.name, updated_at=self.clock.now()))
        try:
            await worker.engine.submit(job.id, graph, uploads)
        except EngineRejected as error:
            await self.delivery.end(job, JobState.FAILED, Failure.REFUSED, str(error))
            return
        except EngineUnavailable as error:
            await self._lost_worker(worker, job, error)
            return
        await self._follow(job, worker)

    def _push(self, job: Job, front: bool = False) -> None:
        if job.tool in self.catalogue and (needs := station_loras(job, self.catalogue.get(job.tool))):
            self.lora_needs[job.id] = needs
        self.queue.push(job.id, job.user_id, front=front)
        self._asked_at[job.id] = job.created_at
        self._wake.set()

    async def _follow(self, job: Job, worker: Worker) -> None:
        try:
            await self.following.follow(job, worker)
        except EngineUnavailable as error:
            await self._lost_worker(worker, job, error)

    async def _follow_then_free(self, job: Job, worker: Worker) -> None:
        try:
            await self._follow(job, worker)
        finally:
            worker.running.discard(job.id)
            self._wake.set()

    async def _lost_worker(self, worker: Worker, job: Job, error: Exception) -> None:
        worker.healthy = False
        log.warning("worker %s stopped answering: %s", worker.name, error)
        stored = await self.storage.jobs.get(job.id)
        if stored is None:
            return
        if stored.state is JobState.QUEUED:
            self._push(await self.storage.jobs.save(replace(stored, worker=None, updated_at=self.clock.now())),
                       front=True)
        elif not stored.terminal:
            await self.delivery.end(stored, JobState.FAILED, Failure.WORKER_LOST, f"{worker.name}: {error}")

    # -- upkeep ----------------------------------------------------------------
    async def _every(self, seconds: float, step: Callable[[], Awaitable[None]]) -> None:
        while True:
            await self.clock.sleep(seconds)
            await step()

    async def _renew_leases(self) -> None:
        """Renew what this instance holds; adopt jobs whose instance died and let its lease lapse."""
        for job_id in self.held():
            await self.admission.claim(job_id)
        await self.reconcile()

    async def _tell_places(self) -> None:
        """Owners of waiting jobs hear their new place in line as the queue moves (at most once an interval)."""
        for job_id, (job, told) in list(self._told.items()):
            place = self.queue.position(job_id) if job_id in self.queue else None
            if place is None:
                del self._told[job_id]  # dispatched or ended; its own notices take over
            elif place != told:
                self._told[job_id] = (job, place)
                await self.delivery.tell(job, NoticeKind.QUEUED, position=place, wait=self.expected_start(job))

    async def _expire_queued(self) -> None:
        """Fail and refund jobs that waited in line past the queue timeout (no worker came back for them)."""
        now, limit = self.clock.now(), self.config.queue_timeout
        for job_id, asked_at in list(self._asked_at.items()):
            if job_id not in self.queue:
                del self._asked_at[job_id]  # dispatched or cancelled meanwhile
            elif now - asked_at >= limit and self.queue.remove(job_id):
                del self._asked_at[job_id]
                self.lora_needs.pop(job_id, None)
                job = await self.storage.jobs.get(job_id)
                if job is not None:
                    await self.delivery.end(job, JobState.FAILED, Failure.NO_WORKER,
                                            what=what_failed(Failure.NO_WORKER, limit))
