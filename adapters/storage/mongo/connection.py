"""MongoConnection: one client and database, blocking driver calls run off the event loop, clear errors."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, TypeVar
from urllib.parse import unquote

from pymongo.database import Database
from pymongo.errors import (
    AutoReconnect,
    ConfigurationError,
    ConnectionFailure,
    OperationFailure,
    ServerSelectionTimeoutError,
)

from ports.space import StorageFull

T = TypeVar("T")
DEFAULT_DATABASE = "stationthis"
ATTEMPTS = 3
BACKOFF_S = 0.2
OUT_OF_DISK_SPACE = 14031  # the server's own code; Atlas says "over your space quota" with its code 8000


class MongoUnavailable(ConnectionError):
    """MongoDB could not be reached, or stopped answering in the middle of an operation."""


class MongoConnection:
    """Opens the client (failing fast), hands out the database, and runs driver calls via `run_blocking`."""

    def __init__(self, url: str, client_factory: Callable[..., Any],
                 run_blocking: Callable[..., Awaitable[Any]], timeout_s: float):
        self.url, self.where = url, describe(url)
        self._client_factory, self._run_blocking, self._timeout_s = client_factory, run_blocking, timeout_s
        self._client = None
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError(f"The MongoDB store at {self.where} is not open.")
        return self._db

    async def open(self) -> None:
        try:
            client = await self._run_blocking(self._connect)
        except (ConfigurationError, ValueError, TypeError) as error:
            raise ValueError(f"The MongoDB URL {self.where} cannot be used: {scrub(str(error), self.url)}") from None
        try:
            db = client.get_default_database(default=DEFAULT_DATABASE)
            await self._run_blocking(db.command, "ping")
        except ConnectionFailure as error:
            client.close()
            raise MongoUnavailable(f"Cannot reach MongoDB at {self.where} within {self._timeout_s:g} s: "
                                   f"{reason(error, self.url)}") from None
        except OperationFailure as error:  # typically wrong credentials
            client.close()
            raise MongoUnavailable(f"MongoDB at {self.where} refused us: {reason(error, self.url)}") from None
        self._client, self._db = client, db

    async def close(self) -> None:
        if self._client is not None:
            client, self._client, self._db = self._client, None, None
            await self._run_blocking(client.close)

    async def call(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """One driver call, unguarded: for steps of a larger operation that `retrying` wraps."""
        return await self._run_blocking(fn, *args, **kwargs)

    async def repeatable(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """A call that is safe to repeat (a read, an upsert, a delete): retried when the connection drops."""
        return await self.retrying(lambda: self.call(fn, *args, **kwargs))

    async def once(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """A call that must not be repeated blindly (an insert, a versioned update): no retry."""
        return await self.guarded(lambda: self.call(fn, *args, **kwargs), attempts=1)

    async def retrying(self, operation: Callable[[], Awaitable[T]]) -> T:
        """Run an idempotent operation, again from the start if the connection drops mid-way."""
        return await self.guarded(operation, attempts=ATTEMPTS)

    async def guarded(self, operation: Callable[[], Awaitable[T]], attempts: int) -> T:
        """Run `operation`, again after a dropped connection up to `attempts` times in all;
        any connection failure that remains becomes MongoUnavailable, naming the host only, and a full disk
        or quota StorageFull."""
        attempt = 1
        while True:
            try:
                return await operation()
            except ServerSelectionTimeoutError as error:  # the driver already waited for a server
                raise MongoUnavailable(f"MongoDB at {self.where} is not answering: "
                                       f"{reason(error, self.url)}") from None
            except AutoReconnect as error:
                if attempt >= attempts:
                    raise MongoUnavailable(f"Lost the connection to MongoDB at {self.where}: "
                                           f"{reason(error, self.url)}") from None
            except ConnectionFailure as error:
                raise MongoUnavailable(f"MongoDB at {self.where} failed: {reason(error, self.url)}") from None
            except OperationFailure as error:
                if error.code == OUT_OF_DISK_SPACE or "space quota" in str(error):
                    raise StorageFull(f"MongoDB at {self.where} is full: {reason(error, self.url)}") from None
                raise
            await asyncio.sleep(BACKOFF_S * attempt)
            attempt += 1

    def _connect(self):
        options = {"serverSelectionTimeoutMS": int(self._timeout_s * 1000),
                   "connectTimeoutMS": int(self._timeout_s * 1000), "appname": "stationthis"}
        return self._client_factory(self.url, **options)


def describe(url: str) -> str:
    """The URL's scheme, hosts and database, never its credentials or options."""
    scheme, _, hosts, path = _split(url)
    return f"{scheme}://{hosts}{'/' + path if path else ''}" if scheme else "(a URL without scheme://)"


def scrub(text: str, url: str) -> str:
    """`text` with the URL's user info and password, raw or decoded, blanked out."""
    userinfo = _split(url)[1]
    password = userinfo.partition(":")[2]
    for secret in sorted({userinfo, unquote(userinfo), password, unquote(password)} - {""}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _split(url: str) -> tuple[str, str, str, str]:
    """(scheme, user info, hosts, database) read leniently, so even a malformed URL can be described."""
    scheme, separator, rest = (url or "").partition("://")
    if not separator:
        return "", "", "", ""
    userinfo, _, location = rest.split("?", 1)[0].rpartition("@")
    hosts, _, path = location.partition("/")
    return scheme, userinfo, hosts, path


def reason(error: Exception, url: str) -> str:
    """The gist of a driver error, without its topology description or raw server reply."""
    text = str(error)
    for tail in (", Timeout:", ", Topology Description:", ", full error:"):
        text = text.split(tail)[0]
    return scrub(text, url)
