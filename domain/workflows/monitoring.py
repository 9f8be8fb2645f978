"""What operators watch: whether storage answers, the workers, and counts of jobs and points."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from domain.workflows.worker_info import Workers, WorkerState
from ports.notifier import Connections, PreviewCounts
from ports.space import StorageFull
from ports.storage import Storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    storage_answers: bool
    storage_full: bool  # it answers but takes no writes until space returns
    workers: list[WorkerState]
    queue_depth: int
    platforms: dict[str, bool] = field(default_factory=dict)  # each started chat bot: connected now?
    previews: dict[str, PreviewCounts] = field(default_factory=dict)  # each chat bot's previews shown and dropped

    @property
    def storage_ok(self) -> bool:
        return self.storage_answers and not self.storage_full

    @property
    def status(self) -> str:
        if not self.storage_answers:
            return "down"
        healthy = self.storage_ok and any(w.healthy for w in self.workers) and all(self.platforms.values())
        return "ok" if healthy else "degraded"


@dataclass(frozen=True)
class Counts:
    jobs_by_state: dict[str, int]
    points_moved: dict[str, int]  # grant, charge, refund, adjustment: positive sums


class Monitoring:
    def __init__(self, storage: Storage, workers: Workers, connections: Connections):
        self.storage, self.workers, self.connections = storage, workers, connections

    async def health(self) -> Health:
        answers, full = True, False
        try:
            await self.storage.ping()
        except StorageFull as error:  # the refused writes were logged when they happened
            log.debug("health check: %s", error)
            full = True
        except Exception as error:  # any failure of any store means down; the log says which
            log.warning("health check: storage does not answer: %s", type(error).__name__)
            answers = False
        return Health(answers, full, self.workers.states(), self.workers.queue_depth(), self.connections.states(),
                      self.connections.previews())

    async def counts(self) -> Counts:
        return Counts(await self.storage.jobs.count_by_state(), await self.storage.ledger.totals())
