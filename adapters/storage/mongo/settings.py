"""MongoSettingsRepository: each user's saved defaults, one document per user."""
from __future__ import annotations

from adapters.storage.mongo.connection import MongoConnection


class MongoSettingsRepository:
    def __init__(self, db: MongoConnection):
        self.db = db

    async def get(self, user_id: str) -> dict:
        doc = await self.db.repeatable(self._settings.find_one, {"_id": user_id})
        return dict(doc["values"]) if doc else {}

    async def put(self, user_id: str, values: dict) -> None:
        await self.db.repeatable(self._settings.replace_one, {"_id": user_id}, {"values": dict(values)}, upsert=True)

    @property
    def _settings(self):
        return self.db.db["settings"]
