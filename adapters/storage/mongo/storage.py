"""MongoStorage: the Storage port on MongoDB, for many processes sharing one database."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

import pymongo
from pymongo.errors import OperationFailure

from adapters.storage.mongo.accounts import MongoLinkCodeRepository, MongoUserRepository
from adapters.storage.mongo.collections import MongoCollectionRepository
from adapters.storage.mongo.connection import MongoConnection, reason
from adapters.storage.mongo.credentials import MongoCredentialRepository
from adapters.storage.mongo.indexes import ensure_indexes
from adapters.storage.mongo.jobs import MongoJobRepository
from adapters.storage.mongo.ledger import MongoLedgerRepository
from adapters.storage.mongo.merge import MongoAccountMerge
from adapters.storage.mongo.quotes import MongoQuoteRepository
from adapters.storage.mongo.settings import MongoSettingsRepository
from adapters.storage.mongo.status_messages import MongoStatusMessageRepository
from adapters.storage.mongo.training import MongoDatasetRepository, MongoModelRepository, MongoTrainingRunRepository


class MongoStorage:
    """`url` is a mongodb:// or mongodb+srv:// URL; its path names the database (default stationthis).
    `client_factory(url, **options)` makes the client (pymongo.MongoClient; tests pass mongomock's),
    `run_blocking(fn, *args)` runs a driver call off the event loop (a thread by default)."""

    def __init__(self, url: str, client_factory: Callable[..., Any] = pymongo.MongoClient,
                 run_blocking: Callable[..., Awaitable[Any]] = asyncio.to_thread, timeout_s: float = 5.0):
        self.connection = MongoConnection(url, client_factory, run_blocking, timeout_s)
        self.ledger = MongoLedgerRepository(self.connection)
        self.settings = MongoSettingsRepository(self.connection)
        self.users = MongoUserRepository(self.connection,
                                         MongoAccountMerge(self.connection, self.ledger, self.settings))
        self.link_codes = MongoLinkCodeRepository(self.connection)
        self.credentials = MongoCredentialRepository(self.connection)
        self.jobs = MongoJobRepository(self.connection, self.ledger)
        self.datasets = MongoDatasetRepository(self.connection)
        self.runs = MongoTrainingRunRepository(self.connection)
        self.models = MongoModelRepository(self.connection)
        self.collections = MongoCollectionRepository(self.connection)
        self.quotes = MongoQuoteRepository(self.connection)
        self.status_messages = MongoStatusMessageRepository(self.connection)

    async def open(self) -> None:
        """Connect (failing fast, naming the host but never the password) and create the indexes."""
        await self.connection.open()
        try:
            await self.connection.repeatable(ensure_indexes, self.connection.db)
        except OperationFailure as error:  # not allowed, or an index of that name defined differently
            await self.connection.close()
            raise RuntimeError(f"Cannot create the indexes in MongoDB at {self.connection.where}: "
                               f"{reason(error, self.connection.url)}") from None

    async def close(self) -> None:
        await self.connection.close()

    async def ping(self) -> None:
        await self.connection.repeatable(self.connection.db.command, "ping")
