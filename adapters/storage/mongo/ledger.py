"""MongoLedgerRepository: entries under unique keys, balances on accounts, and repair after a crash."""
from __future__ import annotations

from dataclasses import dataclass

from pymongo.errors import DuplicateKeyError

from adapters.storage.mongo import codec
from adapters.storage.mongo.connection import MongoConnection
from adapters.storage.mongo.settlement import settle
from domain.errors import InsufficientPoints, RefundRefused
from domain.ledger import EntryKind, LedgerEntry, Posted, check_entry, check_refund

SETTLED = {"pending": {"$exists": False}}
ATTEMPTS = 3


@dataclass(frozen=True)
class Repair:
    """One pending entry that `repair` settled."""

    entry: LedgerEntry
    applied: bool
    balance: int

    def __str__(self) -> str:
        e = self.entry
        done = "applied" if self.applied else "voided (the balance could not cover it)"
        return f"{e.key}: {e.kind.value} of {e.amount:+d} for user {e.user_id} {done}; balance {self.balance}"


class MongoLedgerRepository:
    """Posting inserts the entry as pending under its unique key, then settles it on the account
    (see settlement.py and README, "MongoDB ledger"). Both steps are idempotent, so a post is retried whole."""

    def __init__(self, db: MongoConnection):
        self.db = db

    async def post(self, entry: LedgerEntry) -> Posted:
        check_entry(entry)
        return await self.db.retrying(lambda: self._post(entry))

    async def balance(self, user_id: str) -> int:
        return await self.db.retrying(lambda: self._balance(user_id))

    async def entries(self, user_id: str, limit: int = 50, before: float | None = None) -> list[LedgerEntry]:
        query = {"user_id": user_id, **SETTLED}
        if before is not None:
            query["created_at"] = {"$lt": before}
        docs = await self.db.repeatable(lambda: list(self._ledger.find(
            query, sort=codec.NEWEST, limit=limit)))
        return [codec.entry(doc) for doc in docs]

    async def by_key(self, key: str) -> LedgerEntry | None:
        """The entry standing under `key`; a pending one is settled first, so what it returns has moved points."""
        return await self.db.retrying(lambda: self._settled({"key": key}))

    async def verify(self) -> list[tuple[str, int, int]]:
        sums = await self.db.repeatable(lambda: {row["_id"]: row["sum"] for row in self._ledger.aggregate(
            [{"$group": {"_id": "$user_id", "sum": {"$sum": "$amount"}}}])})
        stored = await self.db.repeatable(lambda: {doc["_id"]: doc["balance"] for doc in self._accounts.find(
            {}, {"balance": 1})})
        users = sorted(set(sums) | set(stored))
        return [(u, stored.get(u, 0), sums.get(u, 0)) for u in users if stored.get(u, 0) != sums.get(u, 0)]

    async def totals(self) -> dict[str, int]:
        rows = await self.db.repeatable(lambda: list(self._ledger.aggregate([
            {"$match": SETTLED}, {"$group": {"_id": "$kind", "sum": {"$sum": {"$abs": "$amount"}}}}])))
        found = {row["_id"]: row["sum"] for row in rows}
        return {kind.value: found.get(kind.value, 0) for kind in EntryKind}

    async def of_jobs(self) -> list[LedgerEntry]:
        docs = await self.db.repeatable(lambda: list(self._ledger.find(
            {"job_id": {"$ne": None}, **SETTLED}, sort=codec.OLDEST)))
        return [codec.entry(doc) for doc in docs]

    async def repair(self) -> list[Repair]:
        """Settle every entry left pending (a crash between its two writes); a second run finds nothing."""
        docs = await self.db.repeatable(lambda: list(self._ledger.find({"pending": True}, sort=codec.OLDEST)))
        done = []
        for doc in docs:
            applied, balance = await self.db.retrying(lambda: settle(self.db, doc))
            done.append(Repair(codec.entry(doc), applied, balance))
        return done

    async def _post(self, entry: LedgerEntry) -> Posted:
        for _ in range(ATTEMPTS):
            standing = await self.db.call(self._ledger.find_one, {"key": entry.key})
            if standing is None:
                if entry.kind is EntryKind.REFUND:
                    check_refund(entry, await self._settled({"_id": entry.refund_of}))
                standing = {**codec.stamped(codec.entry_doc(entry)), "pending": True}
                try:
                    await self.db.call(self._ledger.insert_one, standing)
                except DuplicateKeyError:
                    if entry.kind is EntryKind.REFUND and not await self.db.call(
                            self._ledger.find_one, {"key": entry.key}):
                        raise RefundRefused(f"Charge {entry.refund_of} has already been refunded.") from None
                    continue  # the key was taken meanwhile: replay what stands under it
            applied, balance = (await settle(self.db, standing)) if standing.get("pending") else (
                True, await self._balance(standing["user_id"]))
            if not applied:
                raise InsufficientPoints(balance=balance, price=-standing["amount"])
            return Posted(entry=codec.entry(standing), balance=balance, replayed=standing["_id"] != entry.id)
        raise RuntimeError(f"Ledger key {entry.key} kept changing hands; nothing was posted.")

    async def _settled(self, query: dict) -> LedgerEntry | None:
        doc = await self.db.call(self._ledger.find_one, query)
        if doc is not None and doc.get("pending") and not (await settle(self.db, doc))[0]:
            return None
        return codec.entry(doc) if doc else None

    async def _balance(self, user_id: str) -> int:
        account = await self.db.call(self._accounts.find_one, {"_id": user_id}, {"balance": 1})
        return account["balance"] if account else 0

    @property
    def _ledger(self):
        return self.db.db["ledger"]

    @property
    def _accounts(self):
        return self.db.db["accounts"]
