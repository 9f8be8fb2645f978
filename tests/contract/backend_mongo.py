"""The MongoDB backend for the storage contract suite: a real server when MONGODB_URL is set, else mongomock.

mongomock is an in-process STAND-IN, not MongoDB. Its driver calls run inline on the event loop, so each
one is atomic like a server operation and concurrent tests interleave between operations, as they would
against a server; threads are left out because mongomock is not atomic under them. With MONGODB_URL set,
every test gets a fresh, uniquely named database on that server, dropped afterwards.
"""
from __future__ import annotations

import os
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import mongomock
import pymongo

from adapters.storage.mongo.storage import MongoStorage

REAL_SERVER = os.environ.get("MONGODB_URL")
STAND_IN_URL = "mongodb://mongomock.invalid/stationthis"


async def run_inline(fn, /, *args, **kwargs):
    """Run a mongomock call on the event loop: it never blocks on a network, and stays atomic."""
    return fn(*args, **kwargs)


def stand_in(client: mongomock.MongoClient | None = None, run_blocking=run_inline) -> MongoStorage:
    """A MongoStorage on mongomock; pass one client to several to model processes sharing a server."""
    shared = client or mongomock.MongoClient()
    return MongoStorage(STAND_IN_URL, client_factory=lambda _url, **_options: shared, run_blocking=run_blocking)


def fresh_database_url(url: str) -> tuple[str, str]:
    """(url naming a new database, its name); credentials keep authenticating where they did."""
    name = f"stationthis_test_{uuid.uuid4().hex[:12]}"
    head, _, query = url.partition("?")
    scheme, _, rest = head.partition("://")
    userinfo, at, location = rest.rpartition("@")
    hosts, _, database = location.partition("/")
    if at and "authsource=" not in query.lower():
        query = "&".join(filter(None, [query, f"authSource={database or 'admin'}"]))
    return f"{scheme}://{userinfo}{at}{hosts}/{name}{'?' + query if query else ''}", name


@asynccontextmanager
async def real_server(url: str) -> AsyncIterator[MongoStorage]:
    fresh, name = fresh_database_url(url)
    storage = MongoStorage(fresh)
    await storage.open()
    try:
        yield storage
    finally:
        await storage.close()
        with pymongo.MongoClient(fresh, serverSelectionTimeoutMS=5000) as client:
            client.drop_database(name)


@asynccontextmanager
async def make_storage(tmp_path: Path) -> AsyncIterator[MongoStorage]:
    if REAL_SERVER:
        async with real_server(REAL_SERVER) as storage:
            yield storage
        return
    storage = stand_in()
    await storage.open()
    try:
        yield storage
    finally:
        await storage.close()
