"""The SQLite backend for the storage contract suite: a fresh store file in the test's directory."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from adapters.storage.sqlite.storage import SqliteStorage


@asynccontextmanager
async def make_storage(tmp_path: Path) -> AsyncIterator[SqliteStorage]:
    storage = SqliteStorage(str(tmp_path / "stationthis.sqlite3"))
    await storage.open()
    try:
        yield storage
    finally:
        await storage.close()
