"""MongoStatusMessageRepository: where each job's status message is shown, one document per job."""
from __future__ import annotations

from adapters.storage.mongo.connection import MongoConnection


class MongoStatusMessageRepository:
    def __init__(self, db: MongoConnection):
        self.db = db

    async def get(self, job_id: str) -> dict | None:
        doc = await self.db.repeatable(self._marks.find_one, {"_id": job_id})
        return dict(doc["where"]) if doc else None

    async def put(self, job_id: str, where: dict) -> None:
        await self.db.repeatable(self._marks.replace_one, {"_id": job_id}, {"where": dict(where)}, upsert=True)

    async def drop(self, job_id: str) -> None:
        await self.db.repeatable(self._marks.delete_one, {"_id": job_id})

    @property
    def _marks(self):
        return self.db.db["status_messages"]
