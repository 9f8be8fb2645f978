"""MongoJobRepository: jobs with optimistic versions, and leases that say who may act on one."""
from __future__ import annotations

from dataclasses import replace

from pymongo.errors import DuplicateKeyError

from adapters.storage.mongo import codec
from adapters.storage.mongo.connection import MongoConnection
from adapters.storage.mongo.ledger import MongoLedgerRepository
from domain.errors import ConcurrentUpdate, InsufficientPoints
from domain.jobs import TERMINAL, Job, JobState
from domain.ledger import LedgerEntry

_WAITING = {"state": JobState.REQUESTED.value}
_UNSETTLED = {"state": {"$in": [JobState.FAILED.value, JobState.CANCELLED.value]}, "paid": True, "refunded": False}



class MongoJobRepository:
    """The lease (`lease_owner`, `lease_until`) is stored beside the job and never touched by `save`.
    Without transactions, money moves in steps whose intent the job document records first (see README,
    "Money rules"): a new job waits in `requested` until its charge stands; an ended one is stored owing
    its refund (`paid`, not `refunded`) before the refund is posted."""

    def __init__(self, db: MongoConnection, ledger: MongoLedgerRepository):
        self.db, self.ledger = db, ledger

    async def add(self, job: Job, charge: LedgerEntry | None = None) -> bool:
        """True if this call stored the job; False if a job with this id already stands (a double click)."""
        first = replace(job, state=JobState.REQUESTED, paid=False) if charge is not None else job
        try:
            await self.db.once(self._jobs.insert_one, codec.stamped(codec.to_doc(first)))
        except DuplicateKeyError:
            if charge is None or await self.db.repeatable(self._jobs.find_one, {"_id": job.id, **_WAITING}) is None:
                return False  # otherwise a crash left it waiting for its charge: finish it
        if charge is None:
            return True
        try:
            await self.ledger.post(charge)
        except InsufficientPoints:
            await self.db.repeatable(self._jobs.delete_one, {"_id": job.id, **_WAITING})
            raise
        done = await self.db.repeatable(self._jobs.update_one, {"_id": job.id, **_WAITING},
                                        {"$set": codec.fields_of(codec.to_doc(job))})
        return done.modified_count == 1

    async def get(self, job_id: str) -> Job | None:
        doc = await self.db.repeatable(self._jobs.find_one, {"_id": job_id})
        return codec.job(doc) if doc else None

    async def save(self, job: Job, refund: LedgerEntry | None = None, durable: bool = True) -> Job:
        # MongoDB's write concern is the deployment's: every save is as durable as it makes it.
        if refund is None:
            return await self._save(job)
        owing = await self._save(replace(job, refunded=False))
        await self.ledger.post(refund)
        try:
            return await self._save(replace(owing, refunded=True))
        except ConcurrentUpdate:  # whoever settled it first marked it; the refund's key made it one refund
            stored = await self.get(job.id)
            if stored is None or not stored.refunded:
                raise
            return stored

    async def _save(self, job: Job) -> Job:
        saved = replace(job, version=job.version + 1)
        found = await self.db.once(self._jobs.find_one_and_update, {"_id": job.id, "version": job.version},
                                   {"$set": codec.fields_of(codec.to_doc(saved))}, projection={"_id": 1})
        if found is None:
            raise ConcurrentUpdate(f"Job {job.id} was changed elsewhere (or is gone); reload it and try again.")
        return saved

    async def unfinished(self) -> list[Job]:
        return await self._find({"state": {"$nin": [s.value for s in TERMINAL]}}, sort=codec.OLDEST)

    async def unsettled(self) -> list[Job]:
        return await self._find(_UNSETTLED, sort=codec.OLDEST)

    async def all(self) -> list[Job]:
        return await self._find({}, sort=codec.OLDEST)

    async def of_user(self, user_id: str, limit: int = 20, offset: int = 0,
                      state: JobState | None = None) -> list[Job]:
        query = {"user_id": user_id, "state": {"$ne": JobState.REQUESTED.value}} if state is None \
            else {"user_id": user_id, "state": state.value}
        return await self._find(query, sort=codec.NEWEST, skip=offset, limit=limit)

    async def count_by_state(self) -> dict[str, int]:
        by_state = [{"$group": {"_id": "$state", "n": {"$sum": 1}}}]
        rows = await self.db.repeatable(lambda: list(self._jobs.aggregate(by_state)))
        return {row["_id"]: row["n"] for row in rows}

    async def claim(self, job_id: str, owner: str, until: float, now: float) -> bool:
        """One atomic update: it matches only while the lease is free, expired or already `owner`'s,
        so repeating it is harmless."""
        free = {"$or": [{"lease_owner": None}, {"lease_owner": owner}, {"lease_until": {"$lte": now}}]}
        result = await self.db.repeatable(self._jobs.update_one, {"_id": job_id, **free},
                                    {"$set": {"lease_owner": owner, "lease_until": until}})
        return result.matched_count == 1

    async def _find(self, query: dict, **options) -> list[Job]:
        docs = await self.db.repeatable(lambda: list(self._jobs.find(query, **options)))
        return [codec.job(doc) for doc in docs]

    @property
    def _jobs(self):
        return self.db.db["jobs"]
