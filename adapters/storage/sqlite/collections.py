"""SqliteCollectionRepository: collections, who they are shared with, and their link tokens."""
from __future__ import annotations

from adapters.storage.sqlite.database import SqliteDatabase
from adapters.storage.sqlite.documents import DocumentTable
from domain.collections import Collection

COLLECTIONS = DocumentTable("collections", Collection, lambda collection: {
    "owner": collection.owner, "link_token": collection.link_token, "created_at": collection.created_at},
    shares="collection_shares")


class SqliteCollectionRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def add(self, collection: Collection) -> None:
        await self._db.write(COLLECTIONS.insert, collection)

    async def get(self, collection_id: str) -> Collection | None:
        return await self._db.run(COLLECTIONS.get, collection_id)

    async def save(self, collection: Collection) -> None:
        await self._db.write(COLLECTIONS.update, collection)

    async def delete(self, collection_id: str) -> None:
        await self._db.write(COLLECTIONS.delete, collection_id)

    async def visible_to(self, user_id: str) -> list[Collection]:
        return await self._db.run(
            COLLECTIONS.select, "owner = ? OR id IN (SELECT doc_id FROM collection_shares WHERE user_id = ?)",
            (user_id, user_id))

    async def by_link(self, token: str) -> Collection | None:
        found = await self._db.run(COLLECTIONS.select, "link_token = ?", (token,), limit=1)
        return found[0] if found else None
