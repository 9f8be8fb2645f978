"""The SQLite store's loop reads answer from memory only while nothing was committed: a commit through the store is
seen by the next read, one by another connection or process from the next turn of the event loop."""
from __future__ import annotations

import asyncio
import sqlite3

import pytest

from adapters.storage.sqlite.database import SqliteDatabase
from tests.bounded import bounded

READS: list[str] = []


def names(conn: sqlite3.Connection, first: str) -> list[str]:
    READS.append(first)
    return [name for (name,) in conn.execute("SELECT name FROM people WHERE name >= ? ORDER BY name", (first,))]


def add(conn: sqlite3.Connection, name: str) -> None:
    conn.execute("INSERT INTO people (name) VALUES (?)", (name,))


@pytest.fixture
async def db(tmp_path):
    READS.clear()
    database = SqliteDatabase(str(tmp_path / "store.sqlite3"))
    await database.open()
    await database.write(lambda conn: conn.execute("CREATE TABLE people (name TEXT)"))
    await database.write(add, "ada")
    yield database
    await database.close()


@bounded(30)
async def test_the_same_read_answers_from_memory_while_nothing_is_committed(db):
    assert await db.read(names, "a") == ["ada"]
    assert await db.read(names, "a") == ["ada"]
    assert await db.read(names, "b") == []
    assert READS == ["a", "b"]


@bounded(30)
async def test_a_commit_through_the_store_is_seen_by_the_next_read(db):
    assert await db.read(names, "a") == ["ada"]
    await db.write(add, "bob")
    assert await db.read(names, "a") == ["ada", "bob"]
    assert READS == ["a", "a"]


@bounded(30)
async def test_a_commit_by_another_connection_is_seen_by_reads_from_the_next_turn_of_the_loop(db):
    assert await db.read(names, "a") == ["ada"]
    other = sqlite3.connect(db.path, isolation_level=None)
    try:
        other.execute("INSERT INTO people (name) VALUES ('cy')")
    finally:
        other.close()
    await asyncio.sleep(0)  # from the next turn of the event loop
    assert await db.read(names, "a") == ["ada", "cy"]


@bounded(30)
async def test_reads_in_one_turn_of_the_loop_ask_sqlite_once_whether_anything_was_committed(db):
    asked: list[str] = []
    db._reader.set_trace_callback(lambda sql: asked.append(sql) if "data_version" in sql else None)
    await asyncio.sleep(0)
    for first in ("a", "b", "a", "c"):
        await db.read(names, first)
    assert len(asked) == 1
    await asyncio.sleep(0)
    await db.read(names, "a")
    assert len(asked) == 2


@bounded(30)
async def test_changing_a_list_a_read_gave_does_not_change_the_next_answer(db):
    first = await db.read(names, "a")
    first.append("mallory")
    assert await db.read(names, "a") == ["ada"]
    assert READS == ["a"]


@bounded(30)
async def test_a_read_with_an_argument_that_cannot_be_kept_still_answers_every_time(db):
    def named(conn: sqlite3.Connection, wanted: list[str]) -> list[str]:
        READS.append(",".join(wanted))
        marks = ", ".join("?" * len(wanted))
        return [n for (n,) in conn.execute(f"SELECT name FROM people WHERE name IN ({marks})", wanted)]

    assert await db.read(named, ["ada"]) == ["ada"]
    assert await db.read(named, ["ada"]) == ["ada"]
    assert READS == ["ada", "ada"]
