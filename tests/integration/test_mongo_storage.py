"""MongoStorage beyond the shared contract: failing fast, indexes, crash repair, several processes, lost connections.

Tests marked `mongomock` run on mongomock, an in-process STAND-IN for MongoDB (see
tests/contract/backend_mongo.py); those marked `mongodb` need a real server in MONGODB_URL and are
skipped without one. Tests that open real pymongo clients against closed ports need no server.
"""
from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack

import mongomock
import pymongo
import pytest
from pymongo.errors import AutoReconnect

from adapters.storage.mongo import codec
from adapters.storage.mongo.connection import MongoUnavailable
from adapters.storage.mongo.indexes import INDEXES
from adapters.storage.mongo.storage import MongoStorage
from domain.errors import InsufficientPoints
from domain.jobs import JobState
from domain.ledger import EntryKind, charge_key
from tests.contract.backend_mongo import (
    REAL_SERVER,
    fresh_database_url,
    run_inline,
    stand_in,
)
from tests.contract.records import entry, job

SECRET = "s3cret-Pa55"


@pytest.fixture(params=["mongomock"])
async def store():
    storage = stand_in()
    await storage.open()
    yield storage
    await storage.close()


@pytest.fixture(params=["mongomock", pytest.param("mongodb", marks=pytest.mark.mongodb)])
async def two_processes(request):
    """Two MongoStorage instances on one database, as two processes would be."""
    async with AsyncExitStack() as stack:
        if request.param == "mongomock":
            client = mongomock.MongoClient()
            pair = stand_in(client), stand_in(client)
        else:
            if not REAL_SERVER:
                pytest.skip("needs a real MongoDB server in MONGODB_URL")
            url, name = fresh_database_url(REAL_SERVER)
            pair = MongoStorage(url), MongoStorage(url)
            stack.callback(lambda: pymongo.MongoClient(url).drop_database(name))
        for storage in pair:
            await storage.open()
            stack.push_async_callback(storage.close)
        yield pair


async def pending_charge(storage, user_id: str, price: int, job_id: str):
    """Store a charge the way `post` does, then 'crash' before it reaches the account."""
    charge = entry(user_id, EntryKind.CHARGE, -price, charge_key(job_id), job_id=job_id)
    await storage.connection.once(storage.connection.db["ledger"].insert_one,
                                  {**codec.stamped(codec.entry_doc(charge)), "pending": True})
    return charge


# Failing fast

async def test_an_unreachable_server_fails_fast_naming_the_host_and_never_the_password():
    storage = MongoStorage(f"mongodb://alice:{SECRET}@127.0.0.1:9/stationthis", timeout_s=0.5)
    started = time.monotonic()
    with pytest.raises(MongoUnavailable) as failed:
        await storage.open()
    assert time.monotonic() - started < 5
    assert "127.0.0.1:9" in str(failed.value)
    assert SECRET not in str(failed.value) and "alice" not in str(failed.value)


@pytest.mark.parametrize("url", [
    f"mongodb://alice:{SECRET}@db.example.com:notaport/stationthis",
    f"http://alice:{SECRET}@db.example.com/stationthis",
    f"mongodb://alice:{SECRET}@unescaped@db.example.com/stationthis",
])
async def test_a_malformed_url_is_refused_with_a_clear_message_and_never_the_password(url):
    with pytest.raises(ValueError) as refused:
        await MongoStorage(url, timeout_s=0.5).open()
    assert "cannot be used" in str(refused.value)
    assert SECRET not in str(refused.value)


async def test_an_unopened_store_says_so():
    with pytest.raises(RuntimeError, match="not open"):
        await MongoStorage("mongodb://db.example.com/stationthis").ledger.balance("alice")


# Indexes

async def test_indexes_are_created_twice_without_error():
    client = mongomock.MongoClient()
    for _ in range(2):
        storage = stand_in(client)
        await storage.open()
        await storage.close()
    db = client.get_database("stationthis")
    for collection, models in INDEXES.items():
        assert {m.document["name"] for m in models} <= set(db[collection].index_information())


# Crash between the two writes of a post

async def test_verify_reports_a_pending_entry_and_repair_applies_it_exactly_once(store):
    await store.ledger.post(entry("alice", EntryKind.GRANT, 100))
    await pending_charge(store, "alice", 30, "job1")
    assert await store.ledger.verify() == [("alice", 100, 70)]

    repaired = await store.ledger.repair()
    assert [(r.entry.key, r.applied, r.balance) for r in repaired] == [("charge:job1", True, 70)]
    assert "charge:job1" in str(repaired[0])
    assert await store.ledger.verify() == []
    assert await store.ledger.repair() == []
    assert await store.ledger.balance("alice") == 70


async def test_repair_finishes_a_pending_entry_whose_points_already_moved_without_moving_them_again(store):
    await store.ledger.post(entry("alice", EntryKind.GRANT, 100))
    charge = await pending_charge(store, "alice", 30, "job1")
    await store.connection.once(store.connection.db["accounts"].update_one, {"_id": "alice"},
                                {"$inc": {"balance": -30}, "$push": {"applied": charge.id}})
    assert await store.ledger.verify() == []

    assert [(r.applied, r.balance) for r in await store.ledger.repair()] == [(True, 70)]
    assert await store.ledger.balance("alice") == 70
    assert await store.ledger.entries("alice", limit=1) == [charge]


async def test_repair_voids_a_pending_charge_the_balance_cannot_cover(store):
    await store.ledger.post(entry("alice", EntryKind.GRANT, 20))
    await pending_charge(store, "alice", 30, "job1")

    assert [(r.applied, r.balance) for r in await store.ledger.repair()] == [(False, 20)]
    assert await store.ledger.by_key(charge_key("job1")) is None
    assert await store.ledger.verify() == []


async def test_retrying_a_crashed_post_settles_it_instead_of_charging_twice(store):
    await store.ledger.post(entry("alice", EntryKind.GRANT, 100))
    charge = await pending_charge(store, "alice", 30, "job1")
    posted = await store.ledger.post(charge)
    assert (posted.entry, posted.balance, posted.replayed) == (charge, 70, False)
    assert await store.ledger.repair() == []


async def test_looking_up_a_pending_charge_settles_it_so_a_refund_can_find_it(store):
    await store.ledger.post(entry("alice", EntryKind.GRANT, 100))
    charge = await pending_charge(store, "alice", 30, "job1")
    assert await store.ledger.by_key(charge_key("job1")) == charge
    assert await store.ledger.balance("alice") == 70


# Several processes on one database

async def test_of_two_processes_claiming_one_job_exactly_one_wins(two_processes):
    first, second = two_processes
    stored = job()
    await first.jobs.add(stored)
    won = await asyncio.gather(first.jobs.claim(stored.id, "process-1", until=1100.0, now=1000.0),
                               second.jobs.claim(stored.id, "process-2", until=1100.0, now=1000.0))
    assert sorted(won) == [False, True]
    loser = "process-2" if won[0] else "process-1"
    assert await second.jobs.claim(stored.id, loser, until=1200.0, now=1100.0)


async def test_two_processes_charging_one_user_never_overdraw(two_processes):
    first, second = two_processes
    await first.ledger.post(entry("alice", EntryKind.GRANT, 100))

    async def charge(storage, n):
        try:
            return await storage.ledger.post(entry("alice", EntryKind.CHARGE, -30, charge_key(f"job{n}")))
        except InsufficientPoints:
            return None

    posted = await asyncio.gather(*(charge(two_processes[n % 2], n) for n in range(8)))
    assert sum(p is not None for p in posted) == 3
    assert await second.ledger.balance("alice") == 10
    assert await first.ledger.verify() == []


async def test_one_process_repairs_what_another_left_pending(two_processes):
    first, second = two_processes
    await first.ledger.post(entry("alice", EntryKind.GRANT, 100))
    await pending_charge(first, "alice", 30, "job1")
    assert len(await second.ledger.repair()) == 1
    assert await first.ledger.repair() == []
    assert await first.ledger.balance("alice") == 70


# Lost connections

class LoseReply:
    """Runs driver calls inline, but loses the reply of the named call (it still took effect) `times` times."""

    def __init__(self, name: str, times: int = 1):
        self.name, self.left = name, times

    async def __call__(self, fn, /, *args, **kwargs):
        result = await run_inline(fn, *args, **kwargs)
        if getattr(fn, "__name__", "") == self.name and self.left > 0:
            self.left -= 1
            raise AutoReconnect("connection closed by peer")
        return result


@pytest.fixture
async def losing():
    """losing(name, times) -> (store, network): a stand-in store whose driver loses the named call's reply."""
    opened = []

    async def open_losing(name: str, times: int = 1) -> tuple[MongoStorage, LoseReply]:
        network = LoseReply(name, times)
        storage = stand_in(run_blocking=network)
        await storage.open()
        opened.append(storage)
        return storage, network

    yield open_losing
    for storage in opened:
        await storage.close()


@pytest.mark.parametrize("step", ["insert_one", "find_one_and_update", "update_one"])
async def test_a_post_that_loses_its_connection_after_any_write_is_retried_and_moves_points_once(losing, step):
    storage, _ = await losing(step)
    await storage.ledger.post(entry("alice", EntryKind.GRANT, 100))
    charge = entry("alice", EntryKind.CHARGE, -30, charge_key("job1"))
    posted = await storage.ledger.post(charge)
    assert (posted.entry, posted.balance, posted.replayed) == (charge, 70, False)
    assert await storage.ledger.balance("alice") == 70
    assert await storage.ledger.verify() == [] and await storage.ledger.repair() == []


async def test_a_post_that_keeps_losing_its_connection_fails_clearly_and_repair_settles_it_once(losing):
    storage, network = await losing("find_one_and_update", times=99)
    with pytest.raises(MongoUnavailable, match="mongomock.invalid"):
        await storage.ledger.post(entry("alice", EntryKind.GRANT, 100))
    network.left = 0  # the network is back
    assert [r.balance for r in await storage.ledger.repair()] == [100]
    assert await storage.ledger.balance("alice") == 100 and await storage.ledger.verify() == []


async def test_a_read_that_loses_its_connection_is_retried(losing):
    storage, _ = await losing("find_one")
    stored = job()
    await storage.jobs.add(stored)
    assert await storage.jobs.get(stored.id) == stored


async def test_a_versioned_save_that_loses_its_connection_is_not_repeated_but_reported(losing):
    storage, _ = await losing("find_one_and_update")
    stored = job()
    await storage.jobs.add(stored)
    with pytest.raises(MongoUnavailable, match="Lost the connection to MongoDB at mongodb://mongomock.invalid"):
        await storage.jobs.save(stored.to(JobState.CHARGED, 2000.0))
    assert (await storage.jobs.get(stored.id)).version == 1  # it did land once; the caller reloads
