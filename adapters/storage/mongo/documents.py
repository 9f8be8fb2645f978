"""Documents: the add/get/save/delete/list plumbing shared by the simple repositories."""
from __future__ import annotations

from typing import Any, Callable

from pymongo.errors import DuplicateKeyError

from adapters.storage.mongo.codec import NEWEST, fields_of, stamped
from adapters.storage.mongo.connection import MongoConnection


class Documents:
    """One collection of one domain type; `encode`/`decode` translate (see codec.py). Every call is
    safe to repeat, so each is retried when the connection drops."""

    def __init__(self, db: MongoConnection, name: str, encode: Callable[[Any], dict], decode: Callable[[dict], Any]):
        self.db, self.name, self.encode, self.decode = db, name, encode, decode

    async def add(self, obj: Any) -> None:
        """Store `obj`; if its id is already stored, the first one stays."""
        try:
            await self.db.repeatable(self._collection.insert_one, stamped(self.encode(obj)))
        except DuplicateKeyError:
            pass

    async def save(self, obj: Any) -> None:
        """Replace the stored document's fields; saving what was never added changes nothing."""
        doc = self.encode(obj)
        await self.db.repeatable(self._collection.update_one, {"_id": doc["_id"]}, {"$set": fields_of(doc)})

    async def delete(self, _id: str) -> None:
        await self.db.repeatable(self._collection.delete_one, {"_id": _id})

    async def one(self, query: dict) -> Any | None:
        """The newest document matching `query`."""
        doc = await self.db.repeatable(self._collection.find_one, query, sort=NEWEST)
        return self.decode(doc) if doc else None

    async def many(self, query: dict) -> list:
        """Every document matching `query`, newest first."""
        docs = await self.db.repeatable(lambda: list(self._collection.find(query, sort=NEWEST)))
        return [self.decode(doc) for doc in docs]

    @property
    def _collection(self):
        return self.db.db[self.name]
