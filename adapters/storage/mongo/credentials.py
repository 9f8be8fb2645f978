"""MongoCredentialRepository: sessions and API tokens by the hash of their secret."""
from __future__ import annotations

from adapters.storage.mongo import codec
from adapters.storage.mongo.connection import MongoConnection
from adapters.storage.mongo.documents import Documents
from domain.credentials import Credential


class MongoCredentialRepository:
    def __init__(self, db: MongoConnection):
        self.db = db
        self.docs = Documents(db, "credentials", codec.to_doc, codec.credential)

    async def add(self, credential: Credential) -> None:
        await self.docs.add(credential)

    async def by_digest(self, digest: str) -> Credential | None:
        return await self.docs.one({"digest": digest})

    async def of_user(self, user_id: str) -> list[Credential]:
        return await self.docs.many({"user_id": user_id})

    async def used(self, credential_id: str, when: float) -> None:
        await self.db.repeatable(self._credentials.update_one, {"_id": credential_id}, {"$set": {"last_used_at": when}})

    async def delete(self, credential_id: str) -> None:
        await self.docs.delete(credential_id)

    async def delete_of_user(self, user_id: str) -> int:
        return (await self.db.repeatable(self._credentials.delete_many, {"user_id": user_id})).deleted_count

    async def delete_expired(self, now: float) -> int:
        return (await self.db.repeatable(self._credentials.delete_many, {"expires_at": {"$lte": now}})).deleted_count

    @property
    def _credentials(self):
        return self.db.db["credentials"]
