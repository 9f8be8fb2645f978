"""What only the SQLite store promises: a durable file that reopens intact, and idempotent migrations."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from adapters.storage.sqlite.migrations import MIGRATIONS, migrate
from adapters.storage.sqlite.storage import SqliteStorage
from domain.identity import LinkCode, User
from domain.jobs import JobState
from domain.ledger import EntryKind
from tests.contract.records import collection, dataset, entry, job, model, run

pytestmark = pytest.mark.parametrize("storage", ["sqlite"], indirect=True)


async def fill(storage) -> dict:
    """One of every record, each returned as stored."""
    records = {"user": User("alice", "Alice", 1000.0), "job": job(state=JobState.RUNNING), "dataset": dataset(),
               "run": run(), "model": model(visibility="shared", shared_with={"bob": "view"}),
               "collection": collection(shared_with={"bob": "edit"}, link_token="tok123", link_expires_at=5000.0),
               "grant": entry("alice", EntryKind.GRANT, 100)}
    await storage.users.add(records["user"], "telegram:1")
    await storage.link_codes.add(LinkCode("ABCD2345", "alice", 2000.0))
    await storage.ledger.post(records["grant"])
    await storage.jobs.add(records["job"])
    await storage.jobs.claim(records["job"].id, "worker-a", until=1100.0, now=1000.0)
    await storage.datasets.add(records["dataset"])
    await storage.runs.add(records["run"])
    await storage.models.add(records["model"])
    await storage.collections.add(records["collection"])
    await storage.settings.put("alice", {"steps": 30})
    return records


async def assert_intact(storage, records: dict) -> None:
    assert await storage.users.by_identity("telegram:1") == records["user"]
    assert await storage.ledger.balance("alice") == 100
    assert await storage.ledger.entries("alice") == [records["grant"]]
    assert await storage.jobs.unfinished() == [records["job"]]
    assert not await storage.jobs.claim(records["job"].id, "worker-b", until=1200.0, now=1050.0)
    assert await storage.datasets.by_name("alice", "my_cat") == records["dataset"]
    assert await storage.runs.by_job(records["run"].job_id) == records["run"]
    assert await storage.models.visible_to("bob") == [records["model"]]
    assert await storage.collections.by_link("tok123") == records["collection"]
    assert await storage.collections.visible_to("bob") == [records["collection"]]
    assert await storage.settings.get("alice") == {"steps": 30}


async def test_the_store_survives_close_and_reopen_with_everything_intact(storage):
    records = await fill(storage)
    await storage.close()
    another = SqliteStorage(storage.path)
    await another.open()
    await assert_intact(another, records)
    await another.close()
    await storage.open()
    await assert_intact(storage, records)
    assert await storage.link_codes.consume("ABCD2345", now=1000.0) is not None


def schema_and_data(path: str) -> list:
    with sqlite3.connect(path) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [*conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name"),
                *(row for table in sorted(tables) for row in conn.execute(f"SELECT * FROM {table}"))]


async def test_migrations_applied_twice_change_nothing(storage):
    await fill(storage)
    before = schema_and_data(storage.path)
    conn = sqlite3.connect(storage.path, isolation_level=None)
    try:
        assert migrate(conn) == migrate(conn) == len(MIGRATIONS)
    finally:
        conn.close()
    assert schema_and_data(storage.path) == before


async def test_a_database_from_a_newer_program_is_refused_with_a_clear_message(storage, tmp_path):
    path = str(tmp_path / "newer.sqlite3")
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY)")
        conn.execute("INSERT INTO schema_version VALUES (?)", (len(MIGRATIONS) + 1,))
    with pytest.raises(RuntimeError, match="newer than this program"):
        await SqliteStorage(path).open()


async def test_the_store_keeps_a_write_ahead_log(storage):
    with sqlite3.connect(storage.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_the_store_creates_its_directory_and_writes_nothing_outside_it(storage, tmp_path):
    nested = SqliteStorage(str(tmp_path / "data" / "store.sqlite3"))
    await nested.open()
    await fill(nested)
    await nested.close()
    assert {p.name for p in (tmp_path / "data").iterdir()} <= {"store.sqlite3", "store.sqlite3-wal",
                                                              "store.sqlite3-shm"}
    assert {p.name for p in tmp_path.iterdir()} - {"data"} <= {Path(storage.path).name + suffix
                                                              for suffix in ("", "-wal", "-shm")}


async def test_a_store_that_cannot_open_says_where_and_why(storage, tmp_path):
    with pytest.raises(RuntimeError, match="Cannot open the SQLite store at"):
        await SqliteStorage(str(tmp_path)).open()


async def test_a_store_that_is_not_open_says_so(storage, tmp_path):
    with pytest.raises(RuntimeError, match="is not open"):
        await SqliteStorage(str(tmp_path / "never.sqlite3")).ping()
