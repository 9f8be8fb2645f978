"""MongoJobRepository: jobs with optimistic versions, and leases that say who may act on one."""
from __future__ import annotations

from dataclasses import replace

from pymongo.errors import DuplicateKeyError

from adapters.storage.mongo import codec
from adapters.storage.mongo.connection import MongoConnection
from domain.errors import ConcurrentUpdate
from domain.jobs import TERMINAL, Job, JobState


class MongoJobRepository:
    """The lease (`lease_owner`, `lease_until`) is stored beside the job and never touched by `save`."""

    def __init__(self, db: MongoConnection):
        self.db = db

    async def add(self, job: Job) -> bool:
        """True if stored, False if a job with this id already exists (a double click)."""
        try:
            await self.db.once(self._jobs.insert_one, codec.stamped(codec.to_doc(job)))
        except DuplicateKeyError:
            return False
        return True

    async def get(self, job_id: str) -> Job | None:
        doc = await self.db.repeatable(self._jobs.find_one, {"_id": job_id})
        return codec.job(doc) if doc else None

    async def save(self, job: Job) -> Job:
        saved = replace(job, version=job.version + 1)
        found = await self.db.once(self._jobs.find_one_and_update, {"_id": job.id, "version": job.version},
                                   {"$set": codec.fields_of(codec.to_doc(saved))}, projection={"_id": 1})
        if found is None:
            raise ConcurrentUpdate(f"Job {job.id} was changed elsewhere (or is gone); reload it and try again.")
        return saved

    async def unfinished(self) -> list[Job]:
        return await self._find({"state": {"$nin": [s.value for s in TERMINAL]}}, sort=codec.OLDEST)

    async def of_user(self, user_id: str, limit: int = 20, offset: int = 0,
                      state: JobState | None = None) -> list[Job]:
        query = {"user_id": user_id} if state is None else {"user_id": user_id, "state": state.value}
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
