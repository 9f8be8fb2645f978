"""`ledger verify` and `ledger repair`: audit every job against its entries, and settle what a crash left owing."""
from __future__ import annotations

from collections import defaultdict

from domain.audit import ENDED, Violation, job_violations, orphan_violations
from domain.jobs import JobState
from domain.workflows.admission import Admission
from domain.workflows.delivery import Delivery
from domain.workflows.training_finisher import model_id_for
from ports.blobs import BlobStore
from ports.storage import Storage


async def find_violations(storage: Storage, blobs: BlobStore | None) -> list[Violation]:
    """Every job checked against its charges, refunds, outputs (when `blobs` is given) and training run."""
    entries = defaultdict(list)
    for entry in await storage.ledger.of_jobs():
        entries[entry.job_id].append(entry)
    found = []
    for job in await storage.jobs.all():
        stored = bool(job.outputs) and (blobs is None or all([await blobs.exists(k) for k in job.outputs]))
        run = model = None
        if job.kind == "training":
            run = await storage.runs.by_job(job.id)
            model = await storage.models.get(model_id_for(job))
        found += job_violations(job, entries.pop(job.id, []), stored, run, model)
    for orphaned in entries.values():
        found += orphan_violations(orphaned[0])
    return found


class MoneyAudit:
    def __init__(self, storage: Storage, blobs: BlobStore, delivery: Delivery, admission: Admission):
        self.storage, self.blobs, self.delivery, self.admission = storage, blobs, delivery, admission

    async def violations(self) -> list[Violation]:
        return await find_violations(self.storage, self.blobs)

    async def repair(self) -> list[str]:
        """Settle each repairable violation exactly once (refund keys make a second run change nothing)."""
        done = []
        for violation in await self.violations():
            job = await self.storage.jobs.get(violation.job_id) if violation.repairable else None
            if job is None:
                continue
            if job.state in ENDED:
                job = await self.delivery.settle(job)
                done.append(f"job {job.id}: refunded, {job.state.value} before its refund was settled")
            elif job.state is JobState.REQUESTED:
                charged = await self.admission.finish(job)
                done.append(f"job {job.id}: " + ("charge recorded; it runs at the next start" if charged
                                                 else "removed; its owner no longer has the points"))
        return done
