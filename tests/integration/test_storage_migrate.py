"""`stationthis storage migrate`: SQLite -> MongoDB in process, SQLite -> SQLite through the real CLI.

The source is a real SQLite store filled by the real use cases (a FakeEngine stands in for ComfyUI).
MongoDB here is mongomock, an in-process STAND-IN for a MongoDB server (see
tests/contract/backend_mongo.py): MongoStorage and GridFSBlobStore run on it unchanged.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import mongomock
import pytest

from adapters.blobs.filesystem import FilesystemBlobStore
from adapters.blobs.gridfs import GridFSBlobStore
from adapters.storage.mongo.storage import MongoStorage
from adapters.storage.sqlite.storage import SqliteStorage
from bootstrap.config import load_config
from bootstrap.container import build_container
from bootstrap.migrate import MigrationError, MigrationRefused, migrate
from bootstrap.migrate_records import Census
from bootstrap.migrate_summary import Summary
from domain.identity import User
from domain.jobs import TERMINAL, JobState
from domain.ledger import EntryKind, LedgerEntry
from domain.reply import ReplyTo
from tests.contract.backend_mongo import STAND_IN_URL, run_inline
from tests.fakes import FakeEngine, RecordingNotifier, png

STATIONTHIS = str(Path(sys.executable).with_name("stationthis"))
ORIGIN = ReplyTo("test")
ALL = 100_000


async def populate(data_dir: Path) -> None:
    """Users with several identities, one left without any by account linking, grants, charges,
    refunds, jobs in several states, a trained dataset, its run and model, a shared collection, settings."""
    engines, notifier = [FakeEngine()], RecordingNotifier()
    env = {"STATIONTHIS_DATA_DIR": str(data_dir), "STATIONTHIS_PROGRESS_INTERVAL": "0.05"}
    container = build_container(load_config(env=env, dotenv=False), engines=engines, notifier=notifier)
    storage, runner = container.infra.storage(), container.use_cases.runner()
    await storage.open()
    await runner.start()
    try:
        station = container.use_cases.station()
        accounts, make, training = station.accounts, station.make_image, station.training
        alice = await accounts.user_for("telegram:100", "Alice")
        await station.points.grant(alice.id, 1000, "welcome")
        await accounts.redeem("discord:100", (await accounts.issue_link_code(alice.id)).code)
        carol = await accounts.user_for("web:carol")
        await station.points.grant(carol.id, 50)
        await accounts.redeem("web:carol", (await accounts.issue_link_code(alice.id)).code)  # carol's only identity
        bob = await accounts.user_for("web:bob", "Bob")
        await station.points.grant(bob.id, 300)
        await accounts.issue_link_code(bob.id)  # never redeemed: link codes are not copied

        done = await make.submit(alice.id, "txt2img", {"prompt": "a fox"}, ORIGIN)
        await notifier.wait_for(done.id, "succeeded")
        engines[0].fail_next()
        failed = await make.submit(alice.id, "txt2img", {"prompt": "a fox at night"}, ORIGIN)
        await notifier.wait_for(failed.id, "failed")
        await notifier.wait_for((await make.submit(bob.id, "txt2img", {"prompt": "an owl"}, ORIGIN)).id, "succeeded")

        await training.create(alice.id, "cats")
        for n in range(4):
            await training.add_image(alice.id, "cats", png(96, 96, (n * 50, 90, 140)), caption=f"a cat, pose {n}")
        await training.trigger(alice.id, "cats", "zorbcat")
        run = await training.confirm(alice.id, (await training.draft(alice.id, "cats")).id, ORIGIN)
        await notifier.wait_for(run.job_id, "succeeded")

        await station.collections.create(alice.id, "faves")
        await station.collections.add(alice.id, "faves", "image", (await storage.jobs.get(done.id)).outputs[0])
        await station.collections.share(alice.id, "faves", bob.id, "view")
        await station.settings.change(alice.id, {"steps": "30"})

        engines[0].healthy = False  # the only worker is down: jobs wait in the queue
        await runner.check_health()
        queued = await make.submit(alice.id, "txt2img", {"prompt": "rain"}, ORIGIN)
        await station.jobs.cancel(alice.id)
        await notifier.wait_for(queued.id, "cancelled")
        await make.submit(bob.id, "txt2img", {"prompt": "snow"}, ORIGIN)  # left waiting
    finally:
        await runner.stop()
        await storage.close()


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """One populated SQLite store (file and blob folder) shared read-only by every test here."""
    data_dir = tmp_path_factory.mktemp("source") / "var"
    asyncio.run(populate(data_dir))
    sqlite = data_dir / "stationthis.sqlite3"
    return SimpleNamespace(sqlite=sqlite, blobs=data_dir / "blobs", url=f"sqlite:///{sqlite}")


@pytest.fixture
async def source_store(source):
    storage = SqliteStorage(str(source.sqlite))
    await storage.open()
    yield storage, FilesystemBlobStore(str(source.blobs))
    await storage.close()


def mongomock_store():
    """MongoStorage and GridFSBlobStore on one mongomock database: the in-process STAND-IN for MongoDB."""
    client = mongomock.MongoClient()
    factory = lambda _url, **_options: client  # noqa: E731
    return (MongoStorage(STAND_IN_URL, client_factory=factory, run_blocking=run_inline),
            GridFSBlobStore(STAND_IN_URL, client_factory=factory, run_blocking=run_inline))


@pytest.fixture
async def mongo_target():
    storage, blobs = mongomock_store()
    await storage.open()
    yield storage, blobs
    await storage.close()


async def snapshot(storage, blobs) -> dict:
    """Everything a store holds, read plainly through the ports, for comparing two stores."""
    users = {}
    for user_id in await storage.users.all_ids():
        users[user_id] = {
            "user": await storage.users.get(user_id), "identities": await storage.users.identities(user_id),
            "balance": await storage.ledger.balance(user_id),
            "entries": await storage.ledger.entries(user_id, limit=ALL),
            "jobs": await storage.jobs.of_user(user_id, limit=ALL),
            "datasets": await storage.datasets.of_user(user_id), "runs": await storage.runs.of_user(user_id),
            "models": [m for m in await storage.models.visible_to(user_id) if m.owner == user_id],
            "collections": [c for c in await storage.collections.visible_to(user_id) if c.owner == user_id],
            "settings": await storage.settings.get(user_id)}
    return {"users": users, "blobs": {key: await blobs.get(key) for key in await blobs.keys()}}


async def migrate_into(target, source, force: bool = False) -> Summary:
    return await migrate(source[0], target[0], source[1], target[1], force=force)


def with_placeholders(expected: dict) -> dict:
    """The source as the target should hold it: a user with no identity gets 'migrated:<id>'."""
    for user_id, user in expected["users"].items():
        user["identities"] = user["identities"] or [f"migrated:{user_id}"]
    return expected


def stationthis(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "STATIONTHIS_DATA_DIR": str(cwd / "var")}
    return subprocess.run([STATIONTHIS, "storage", "migrate", *args], cwd=cwd, env=env, check=False,
                          capture_output=True, text=True, timeout=timeout)


async def test_the_source_holds_every_kind_of_record_the_migration_must_carry(source_store):
    held = await snapshot(*source_store)
    users = held["users"].values()
    assert sorted(len(u["identities"]) for u in users) == [0, 1, 4]  # Alice's 3 and the alias of Carol's account
    assert {e.kind for u in users for e in u["entries"]} == set(EntryKind)
    states = {j.state for u in users for j in u["jobs"]}
    assert {JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED} <= states and states - TERMINAL
    assert all(any(u[kind] for u in users) for kind in ("datasets", "runs", "models", "collections", "settings"))
    assert any(c.shared_with for u in users for c in u["collections"])
    suffixes = sorted(key.rsplit(".", 1)[1] for key in held["blobs"])
    assert suffixes == ["png"] * 7 + ["safetensors"]  # four dataset images, two results, a loss curve, one model


async def test_sqlite_migrates_to_mongodb_with_every_record_balance_and_blob_intact(source_store, mongo_target):
    summary = await migrate_into(mongo_target, source_store)
    assert summary.ok, "\n".join(summary.lines())
    assert await snapshot(*mongo_target) == with_placeholders(await snapshot(*source_store))
    assert await mongo_target[0].ledger.verify() == []
    assert await mongo_target[0].ledger.totals() == await source_store[0].ledger.totals()
    lines = summary.lines()
    assert lines[-1] == "migration ok" and any(line.startswith("link codes: not copied") for line in lines)
    assert "ledger verify on the target: ok" in lines and "balances: 3 users, all equal" in lines


async def test_a_user_whom_account_linking_left_without_identities_arrives_with_a_placeholder(
        source_store, mongo_target):
    summary = await migrate_into(mongo_target, source_store)
    (orphan,) = summary.source.without_identity
    assert await mongo_target[0].users.identities(orphan) == [f"migrated:{orphan}"]
    assert [e.kind for e in await mongo_target[0].ledger.entries(orphan)] == [EntryKind.ADJUSTMENT, EntryKind.GRANT]
    assert any("1 placeholder" in line for line in summary.lines() if line.startswith("identities"))


async def test_a_second_migration_into_the_now_filled_target_is_refused_and_copies_nothing(
        source_store, mongo_target):
    await migrate_into(mongo_target, source_store)
    before = await snapshot(*mongo_target)
    with pytest.raises(MigrationRefused, match="already holds 3 users and .* blobs.*--force"):
        await migrate_into(mongo_target, source_store)
    assert await snapshot(*mongo_target) == before


async def test_a_target_holding_only_blobs_is_refused_too(source_store, mongo_target):
    await mongo_target[1].put("results/stray.png", b"not ours")
    with pytest.raises(MigrationRefused, match="0 users and 1 blobs"):
        await migrate_into(mongo_target, source_store)
    assert await mongo_target[0].users.all_ids() == []


async def test_with_force_a_second_migration_finishes_the_target_and_moves_no_points_twice(
        source_store, mongo_target):
    await migrate_into(mongo_target, source_store)
    await mongo_target[1].delete((await mongo_target[1].keys())[0])  # as if the first run had stopped early
    summary = await migrate_into(mongo_target, source_store, force=True)
    assert summary.ok, "\n".join(summary.lines())
    assert await snapshot(*mongo_target) == with_placeholders(await snapshot(*source_store))


class FullAfterTwoWrites:
    """A blob store (a fake at the port, over a real one) whose third write fails, as a full disk would."""

    def __init__(self, inner):
        self.inner, self.writes = inner, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def put_stream(self, key, chunks, content_type):
        self.writes += 1
        if self.writes == 3:
            raise OSError("No space left on device")
        return await self.inner.put_stream(key, chunks, content_type)


async def test_a_copy_that_stops_part_way_says_so_and_force_finishes_it(source_store, mongo_target):
    with pytest.raises(MigrationError, match="while copying blobs: No space left on device.*--force"):
        await migrate_into((mongo_target[0], FullAfterTwoWrites(mongo_target[1])), source_store)
    summary = await migrate_into(mongo_target, source_store, force=True)
    assert summary.ok, "\n".join(summary.lines())
    assert await snapshot(*mongo_target) == with_placeholders(await snapshot(*source_store))


async def test_entries_sharing_one_time_across_page_boundaries_are_all_copied(tmp_path, mongo_target):
    storage, blobs = SqliteStorage(str(tmp_path / "s.sqlite3")), FilesystemBlobStore(str(tmp_path / "blobs"))
    await storage.open()

    def grant(user_id: str, n: int, at: float) -> LedgerEntry:
        return LedgerEntry(f"{user_id}-{n}", user_id, EntryKind.GRANT, 1, f"grant:{user_id}:{n}", "test", at)

    for user_id in ("same-time", "two-times"):
        await storage.users.add(User(user_id, user_id, 1.0), f"web:{user_id}")
    same = [grant("same-time", n, 1000.0) for n in range(1100)]
    split = [grant("two-times", n, 1000.0 if n < 300 else 2000.0) for n in range(700)]
    await asyncio.gather(*(storage.ledger.post(entry) for entry in same + split))
    summary = await migrate_into(mongo_target, (storage, blobs))
    await storage.close()
    assert summary.ok and summary.target.counts["ledger entries"] == 1800
    assert await mongo_target[0].ledger.balance("same-time") == 1100
    assert {e.id for e in await mongo_target[0].ledger.entries("two-times", limit=ALL)} == {e.id for e in split}


def test_the_summary_fails_and_names_each_user_whose_balance_differs():
    counts = {"users": 1, "identities": 1, "ledger entries": 2, "blobs": 0}
    before = Census(["u1"], counts, {"u1": 70}, [], [])
    after = Census(["u1"], counts, {"u1": 75}, [], [])
    summary = Summary(before, after, [("u1", 75, 70)])
    assert not summary.ok
    lines = summary.lines()
    assert "  user u1: source 70, target 75" in lines and "ledger verify on the target: FAILED for 1 users" in lines
    assert lines[-1].startswith("migration FAILED")


def test_the_cli_migrates_sqlite_to_sqlite_with_progress_bars_and_a_passing_check(source, tmp_path):
    target = tmp_path / "moved" / "stationthis.sqlite3"
    result = stationthis(tmp_path, "--from", source.url, "--to", f"sqlite:///{target}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "migration ok"
    assert all(phase in result.stderr for phase in ("users", "ledger entries", "jobs", "collections", "blobs"))
    assert "100%" in result.stderr

    async def compare():
        stores = [(SqliteStorage(str(path)), FilesystemBlobStore(str(path.parent / "blobs")))
                  for path in (source.sqlite, target)]
        for storage, _ in stores:
            await storage.open()
        try:
            copied, original = await snapshot(*stores[1]), await snapshot(*stores[0])
            assert copied == with_placeholders(original)
            assert await stores[1][0].ledger.verify() == []
        finally:
            for storage, _ in stores:
                await storage.close()

    asyncio.run(compare())


def test_the_cli_refuses_a_second_migration_into_the_filled_target_unless_forced(source, tmp_path):
    target = f"sqlite:///{tmp_path / 'moved.sqlite3'}"
    assert stationthis(tmp_path, "--from", source.url, "--to", target).returncode == 0
    stamp = (tmp_path / "moved.sqlite3").stat().st_mtime_ns
    refused = stationthis(tmp_path, "--from", source.url, "--to", target)
    assert refused.returncode != 0 and "already holds 3 users" in refused.stderr and "--force" in refused.stderr
    assert (tmp_path / "moved.sqlite3").stat().st_mtime_ns == stamp
    forced = stationthis(tmp_path, "--from", source.url, "--to", target, "--force")
    assert forced.returncode == 0 and forced.stdout.strip().endswith("migration ok")


@pytest.mark.parametrize("spelling", ["{path}", "{parent}/../{parent_name}/{name}"])
def test_the_cli_refuses_the_same_store_as_source_and_target(source, tmp_path, spelling):
    path = source.sqlite
    same = "sqlite:///" + spelling.format(path=path, parent=path.parent, parent_name=path.parent.name, name=path.name)
    result = stationthis(tmp_path, "--from", source.url, "--to", same)
    assert result.returncode != 0 and "the same store" in result.stderr


def test_the_cli_refuses_one_blob_folder_for_both_stores(source, tmp_path):
    result = stationthis(tmp_path, "--from", source.url, "--to", f"sqlite:///{tmp_path / 'b.sqlite3'}",
                         "--to-blobs", str(source.blobs))
    assert result.returncode != 0 and f"Both stores would keep their blobs in {source.blobs}" in result.stderr
    assert not (tmp_path / "b.sqlite3").exists()


def test_the_cli_refuses_a_target_file_beside_the_source_which_would_share_its_blob_folder(source, tmp_path):
    beside = source.sqlite.with_name("copy.sqlite3")
    result = stationthis(tmp_path, "--from", source.url, "--to", f"sqlite:///{beside}")
    assert result.returncode != 0 and "--to-blobs DIR" in result.stderr and not beside.exists()


def test_an_unreachable_mongodb_target_fails_fast_with_a_clear_message_and_no_password(source, tmp_path):
    started = time.monotonic()
    result = stationthis(tmp_path, "--from", source.url, "--to", "mongodb://user:secret@127.0.0.1:1/x")
    assert result.returncode != 0 and time.monotonic() - started < 30
    assert "Cannot reach MongoDB at mongodb://127.0.0.1:1/x" in result.stderr
    assert "secret" not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_a_missing_source_is_refused_and_not_created(tmp_path):
    missing = tmp_path / "nothing.sqlite3"
    target = tmp_path / "target" / "b.sqlite3"
    result = stationthis(tmp_path, "--from", f"sqlite:///{missing}", "--to", f"sqlite:///{target}")
    assert result.returncode != 0 and f"There is no SQLite store at {missing}" in result.stderr
    assert not missing.exists() and not target.parent.exists()


def test_a_source_whose_ledger_does_not_add_up_is_refused_before_anything_is_copied(source, tmp_path):
    copy = tmp_path / "tampered.sqlite3"
    with sqlite3.connect(source.sqlite) as original, sqlite3.connect(copy) as duplicate:
        original.backup(duplicate)
    with sqlite3.connect(copy) as connection:
        connection.execute("UPDATE accounts SET balance = balance + 7")
    shutil.copytree(source.blobs, tmp_path / "blobs")
    result = stationthis(tmp_path, "--from", f"sqlite:///{copy}", "--to", f"sqlite:///{tmp_path / 'out' / 'b.sqlite3'}")
    assert result.returncode != 0 and "source ledger does not add up for 3 users" in result.stderr
    assert not list((tmp_path / "out" / "blobs").rglob("*.png"))
