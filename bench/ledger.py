"""Ledger throughput: durable charges per second with 1, 8 and 64 concurrent tasks, then verify()."""
from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, without installing

from domain.ledger import EntryKind, LedgerEntry  # noqa: E402

LEVELS = (1, 8, 64)
ACCOUNTS_PER_LEVEL = 8
PRICE = 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--storage", help="sqlite:///relative/path, sqlite:////absolute/path or mongodb://host/db "
                                          "(default: an SQLite file in a temporary directory)")
    parser.add_argument("--seconds", type=float, default=3.0, help="time limit per concurrency level (default 3)")
    parser.add_argument("--charges", type=int, default=100_000, help="charge limit per concurrency level")
    return parser.parse_args()


def storage_for(url: str):
    """(store, backend name) for a storage URL, picked by its scheme."""
    if url.startswith("sqlite:///"):
        from adapters.storage.sqlite.storage import SqliteStorage
        return SqliteStorage(url.removeprefix("sqlite:///")), "sqlite"
    if url.startswith(("mongodb://", "mongodb+srv://")):
        try:
            module = importlib.import_module("adapters.storage.mongo.storage")
        except ModuleNotFoundError:
            sys.exit("The MongoDB adapter (adapters/storage/mongo/storage.py) does not exist yet; "
                     "benchmark sqlite:///path instead.")
        return module.MongoStorage(url), "mongodb"
    sys.exit(f"Unknown storage URL {url!r}: use sqlite:///path/to/file.sqlite3 or mongodb://host/database.")


def entry(user_id: str, kind: EntryKind, amount: int) -> LedgerEntry:
    entry_id = uuid.uuid4().hex
    return LedgerEntry(id=entry_id, user_id=user_id, kind=kind, amount=amount, key=f"bench-{kind.value}:{entry_id}",
                       reason="ledger benchmark", created_at=time.time())


async def level(storage, tasks: int, seconds: float, limit: int, run: str) -> tuple[float, int]:
    """Charges per second with `tasks` concurrent posters, and how many balances came out wrong."""
    accounts = [f"bench-{run}-{tasks}-{n}" for n in range(ACCOUNTS_PER_LEVEL)]
    for user_id in accounts:
        await storage.ledger.post(entry(user_id, EntryKind.GRANT, PRICE * limit))
    taken = dict.fromkeys(accounts, 0)
    issued = 0
    deadline = time.perf_counter() + seconds

    async def poster(number: int) -> None:
        nonlocal issued
        user_id = accounts[number % len(accounts)]
        while issued < limit and time.perf_counter() < deadline:
            issued += 1
            await storage.ledger.post(entry(user_id, EntryKind.CHARGE, -PRICE))
            taken[user_id] += 1

    started = time.perf_counter()
    await asyncio.gather(*(poster(n) for n in range(tasks)))
    elapsed = time.perf_counter() - started
    wrong = [u for u in accounts if await storage.ledger.balance(u) != PRICE * (limit - taken[u])]
    charges = sum(taken.values())
    print(f"{tasks:>2} tasks: {charges} charges in {elapsed:.2f} s = {charges / elapsed:,.0f}/s", flush=True)
    return charges / elapsed, len(wrong)


async def bench(url: str, seconds: float, limit: int) -> dict:
    storage, backend = storage_for(url)
    print(f"benchmarking {backend} at {url}", flush=True)
    try:
        await storage.open()
    except Exception as error:  # each store has its own errors; any of them ends the benchmark
        raise SystemExit(f"error: the store could not be opened: {error}") from None
    try:
        run, rates, violations = uuid.uuid4().hex[:8], {}, 0
        for tasks in LEVELS:
            rate, wrong = await level(storage, tasks, seconds, limit, run)
            rates[str(tasks)], violations = round(rate), violations + wrong
        mismatched = await storage.ledger.verify()
        print(f"verify(): {len(mismatched)} balances differ from the sum of their entries", flush=True)
    finally:
        await storage.close()
    return {"charges_per_s": rates, "violations": violations + len(mismatched), "storage": backend}


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="stationthis-bench-") as scratch:
        url = args.storage or f"sqlite:///{scratch}/ledger.sqlite3"
        print(json.dumps(asyncio.run(bench(url, args.seconds, args.charges))))


if __name__ == "__main__":
    main()
