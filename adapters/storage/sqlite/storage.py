"""SqliteStorage: every repository over one embedded SQLite file, the default store."""
from __future__ import annotations

from adapters.storage.sqlite.accounts import SqliteLinkCodeRepository, SqliteUserRepository
from adapters.storage.sqlite.collections import SqliteCollectionRepository
from adapters.storage.sqlite.credentials import SqliteCredentialRepository
from adapters.storage.sqlite.database import SqliteDatabase
from adapters.storage.sqlite.jobs import SqliteJobRepository
from adapters.storage.sqlite.ledger import SqliteLedgerRepository
from adapters.storage.sqlite.migrations import migrate
from adapters.storage.sqlite.quotes import SqliteQuoteRepository
from adapters.storage.sqlite.settings import SqliteSettingsRepository
from adapters.storage.sqlite.status_messages import SqliteStatusMessageRepository
from adapters.storage.sqlite.training import SqliteDatasetRepository, SqliteModelRepository, SqliteTrainingRunRepository


class SqliteStorage:
    """Everything lives in the file at `path` and its -wal/-shm companions beside it."""

    def __init__(self, path: str):
        self.path = path
        self._db = SqliteDatabase(path)
        self.users = SqliteUserRepository(self._db)
        self.link_codes = SqliteLinkCodeRepository(self._db)
        self.credentials = SqliteCredentialRepository(self._db)
        self.ledger = SqliteLedgerRepository(self._db)
        self.jobs = SqliteJobRepository(self._db)
        self.datasets = SqliteDatasetRepository(self._db)
        self.runs = SqliteTrainingRunRepository(self._db)
        self.models = SqliteModelRepository(self._db)
        self.collections = SqliteCollectionRepository(self._db)
        self.settings = SqliteSettingsRepository(self._db)
        self.status_messages = SqliteStatusMessageRepository(self._db)
        self.quotes = SqliteQuoteRepository(self._db)

    async def open(self) -> None:
        await self._db.open()
        try:
            await self._db.run(migrate)
        except Exception as error:
            await self._db.close()
            raise self._db.space.opening_error(error) from error

    async def close(self) -> None:
        await self._db.close()

    async def ping(self) -> None:
        await self._db.run(lambda conn: conn.execute("SELECT 1").fetchone())
        await self._db.space.check()
