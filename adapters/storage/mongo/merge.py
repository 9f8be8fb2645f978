"""Joining two accounts on MongoDB: single-document steps, each safe to repeat, identities moved last."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adapters.storage.mongo import codec
from adapters.storage.mongo.connection import MongoConnection
from adapters.storage.mongo.ledger import MongoLedgerRepository
from adapters.storage.mongo.settings import MongoSettingsRepository
from domain.errors import AccountBusy
from domain.ledger import LedgerEntry
from domain.merging import alias_of, blocks_merge, merged_settings, moved

# collection, decode, encode, whether others can share it with the account
_NAMED: tuple[tuple[str, Callable[[dict], Any], Callable[[Any], dict], bool], ...] = (
    ("datasets", codec.dataset, codec.to_doc, False),
    ("models", codec.model, codec.shared_doc, True),
    ("collections", codec.collection, codec.shared_doc, True),
)


class MongoAccountMerge:
    """Until the identities move (the last step) the joining account still answers to them, so a merge cut short
    by a crash is finished by the next one: moved records match nothing, posted entries replay by their keys."""

    def __init__(self, db: MongoConnection, ledger: MongoLedgerRepository, settings: MongoSettingsRepository):
        self.db, self.ledger, self.settings = db, ledger, settings

    async def merge(self, source: str, target: str, points: tuple[LedgerEntry, ...]) -> None:
        busy = [job for job in map(codec.job, await self._find("jobs", {"user_id": source})) if blocks_merge(job)]
        if busy:
            raise AccountBusy(len(busy))
        await self._update("jobs", {"user_id": source}, {"user_id": target})
        await self._update("runs", {"owner": source}, {"owner": target})
        for name, decode, encode, shared in _NAMED:
            taken = {doc["name"] for doc in await self._find(name, {"owner": target})}
            for doc in await self._find(name, {"owner": source}):
                await self._replace(name, encode(moved(decode(doc), source, target, taken)))
            for doc in await self._find(name, {"shared_with.user": source}) if shared else ():
                await self._replace(name, encode(moved(decode(doc), source, target)))
        theirs = await self.settings.get(source)
        if theirs:
            await self.settings.put(target, merged_settings(theirs, await self.settings.get(target)))
        for entry in points:
            await self.ledger.post(entry)
        await self._update("identities", {"user_id": source}, {"user_id": target})
        await self.db.repeatable(self.db.db["identities"].update_one, {"_id": alias_of(source)},
                                 {"$set": {"user_id": target}}, upsert=True)

    async def _find(self, name: str, query: dict) -> list[dict]:
        return await self.db.repeatable(lambda: list(self.db.db[name].find(query)))

    async def _update(self, name: str, query: dict, values: dict) -> None:
        await self.db.repeatable(self.db.db[name].update_many, query, {"$set": values})

    async def _replace(self, name: str, doc: dict) -> None:
        await self.db.repeatable(self.db.db[name].update_one, {"_id": doc["_id"]}, {"$set": codec.fields_of(doc)})
