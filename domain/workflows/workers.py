"""The worker pool: which ComfyUI workers are healthy, how busy each is, and the runner's settings."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from domain.estimates import Durations
from ports.engine import EngineUnavailable, ImageEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunnerConfig:
    slots_per_worker: int = 2
    progress_interval: float = 3.0
    health_interval: float = 5.0
    seconds_per_training_step: float = 1.0
    instance: str = "stationthis"  # who holds a job's lease; a restarted instance takes its jobs back at once
    lease_seconds: float = 120.0
    queue_timeout: float = 600.0  # a charged job no worker took within this long is failed and refunded
    refuse_without_worker: bool = False  # else accepted with a notice, and refunded if no worker returns
    max_jobs_per_user: int = 4  # jobs one person may have queued or running at once


@dataclass(eq=False)
class Worker:
    engine: ImageEngine
    healthy: bool = True
    stalled: bool = False  # a job of its own made no progress for its whole time limit
    running: set[str] = field(default_factory=set)
    loras: set[str] = field(default_factory=set)  # LoRA files it was last seen to hold
    counts_training: bool | None = None  # its training node reports steps (ComfyUI 0.8); None: not seen yet

    @property
    def name(self) -> str:
        return self.engine.name


class WorkerPool:
    def __init__(self, engines: list[ImageEngine], config: RunnerConfig):
        self.workers = [Worker(e) for e in engines]
        self.config = config
        self.durations = Durations()

    def worker(self, name: str | None) -> Worker | None:
        return next((w for w in self.workers if w.name == name), None)

    def healthy_engines(self) -> list[ImageEngine]:
        return [w.engine for w in self.workers if w.healthy]

    def running(self) -> set[str]:
        return set().union(*(w.running for w in self.workers))

    def least_loaded(self, holding: frozenset[str] = frozenset()) -> Worker | None:
        """A free healthy worker: one that holds every LoRA in `holding` first, then the least busy."""
        free = [w for w in self.workers if w.healthy and len(w.running) < self.config.slots_per_worker]
        return min(free, key=lambda w: (not holding <= w.loras, len(w.running))) if free else None

    async def check_health(self) -> None:
        """Ask every worker; a stalled one stays out until its own queue has emptied."""
        for worker in self.workers:
            try:
                health = await worker.engine.health()
                worker.loras = set(await worker.engine.choices("loras")) if health.ok else worker.loras
            except EngineUnavailable:
                worker.healthy = False
                continue
            if worker.stalled and health.queue_remaining == 0:
                worker.stalled = False
                log.info("worker %s is answering again after a stalled job", worker.name)
            worker.healthy = health.ok and not worker.stalled

    def stall(self, worker: Worker) -> None:
        worker.stalled, worker.healthy = True, False
        log.warning("worker %s made no progress for a whole time limit; no new jobs go to it", worker.name)
