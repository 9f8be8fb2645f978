"""What a store holds, read one user at a time through the storage port, and counted."""
from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from domain.jobs import Job
from domain.ledger import LedgerEntry
from ports.blobs import BlobStore
from ports.storage import Storage

PAGE = 500
WIDTH = 16  # users (or blobs) handled at once; SQLite commits their writes in groups


async def each(items: Iterable, work: Callable[[Any], Awaitable[None]], width: int = WIDTH) -> None:
    """`work(item)` for every item, at most `width` at a time."""
    pending = iter(items)

    async def worker() -> None:
        for item in pending:
            await work(item)

    try:
        async with asyncio.TaskGroup() as group:  # the first failure cancels the other workers
            for _ in range(width):
                group.create_task(worker())
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None


async def ledger_entries(storage: Storage, user_id: str) -> list[LedgerEntry]:
    """Every entry of the user, oldest first. A page never ends inside a run of equal times:
    the next page starts again at the oldest time seen, so entries sharing a time are never skipped."""
    found: list[LedgerEntry] = []
    before, limit = None, PAGE
    while len(page := await storage.ledger.entries(user_id, limit=limit, before=before)) == limit:
        oldest = page[-1].created_at
        newer = [entry for entry in page if entry.created_at > oldest]
        if newer:
            found += newer
            before = math.nextafter(oldest, math.inf)  # next page: created_at <= oldest
        else:
            limit *= 2  # the whole page shares one time: take a bigger bite
    return (found + page)[::-1]


async def jobs(storage: Storage, user_id: str) -> list[Job]:
    """Every job of the user, oldest first."""
    found: list[Job] = []
    while len(page := await storage.jobs.of_user(user_id, limit=PAGE, offset=len(found))) == PAGE:
        found += page
    return (found + page)[::-1]


async def owned_models(storage: Storage, user_id: str) -> list:
    return [model for model in await storage.models.visible_to(user_id) if model.owner == user_id]


async def owned_collections(storage: Storage, user_id: str) -> list:
    return [collection for collection in await storage.collections.visible_to(user_id) if collection.owner == user_id]


async def settings(storage: Storage, user_id: str) -> list[tuple[str, dict]]:
    values = await storage.settings.get(user_id)
    return [(user_id, values)] if values else []


# Each kind of record, read per user; the ledger comes first and oldest first, so every charge
# finds its balance and every refund its charge when the entries are posted in this order.
RECORDS: dict[str, Callable[[Storage, str], Awaitable[list]]] = {
    "ledger entries": ledger_entries,
    "jobs": jobs,
    "datasets": lambda storage, user_id: storage.datasets.of_user(user_id),
    "training runs": lambda storage, user_id: storage.runs.of_user(user_id),
    "models": owned_models,
    "collections": owned_collections,
    "settings": settings,
}


@dataclass
class Census:
    """How much of each kind a store holds, every user's balance, and who has no identity."""

    users: list[str]
    counts: dict[str, int]
    balances: dict[str, int]
    without_identity: list[str]
    blob_keys: list[str]


async def census(storage: Storage, blobs: BlobStore) -> Census:
    users = await storage.users.all_ids()
    counts = {"users": len(users), "identities": 0} | {kind: 0 for kind in RECORDS}
    balances: dict[str, int] = {}
    bare: list[str] = []

    async def count(user_id: str) -> None:
        identities = await storage.users.identities(user_id)
        counts["identities"] += len(identities)
        if not identities:
            bare.append(user_id)
        balances[user_id] = await storage.ledger.balance(user_id)
        for kind, read in RECORDS.items():
            found = len(await read(storage, user_id))  # read first: `+=` over an await would lose counts
            counts[kind] += found

    await each(users, count)
    keys = await blobs.keys()
    counts["blobs"] = len(keys)
    return Census(users, counts, balances, sorted(bare), keys)
