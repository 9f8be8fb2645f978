"""One SQLite connection on one dedicated thread (writes group-committed, one savepoint each) and one
read-only connection on the event loop's thread for the small reads every request makes."""
from __future__ import annotations

import asyncio
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, Callable

from adapters.storage.sqlite.read_memo import ReadsUntilCommit
from adapters.storage.sqlite.space import SpaceWatch

Call = Callable[[sqlite3.Connection], Any]
READ_WAIT_S = 1.0  # a read on the event loop waits at most this long for a lock (a checkpoint, a recovery)


class SqliteDatabase:
    """Reads run between write batches; every write pending when the thread is free joins one
    transaction, each inside its own SAVEPOINT so a failing write undoes only itself, and one COMMIT settles the
    whole batch: synced to disk (one fsync) if any write in it asked to be durable, otherwise only written to the
    WAL, where it survives the process dying and the next durable commit syncs it. A write refused for want of
    space raises StorageFull."""

    def __init__(self, path: str):
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._reads = ReadsUntilCommit()
        self._executor: ThreadPoolExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._pending: list[tuple[Call, asyncio.Future, bool]] = []
        self._synced = True  # whether the connection's commits are synced to disk now (PRAGMA synchronous)
        self._drain_scheduled = False
        self.space = SpaceWatch(path)

    async def open(self) -> None:
        self._loop = loop = asyncio.get_running_loop()
        self._executor = executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        try:
            self._conn = await loop.run_in_executor(executor, self._connect)
        except (sqlite3.Error, OSError) as error:
            executor.shutdown()
            raise self.space.opening_error(error) from error
        self._reader = sqlite3.connect(self.path, timeout=READ_WAIT_S, isolation_level=None)
        self._reader.execute("PRAGMA query_only = ON")

    async def close(self) -> None:
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        loop, executor = self._thread()
        await loop.run_in_executor(executor, conn.close)
        executor.shutdown()

    async def run(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        """fn(connection, *args, **kwargs) on the store's thread, outside any write transaction."""
        conn = self._open_connection()
        loop, executor = self._thread()
        return await loop.run_in_executor(executor, partial(fn, conn, *args, **kwargs))

    async def read(self, fn: Callable[..., Any], *args) -> Any:
        """fn(connection, *args) at once, on the loop's read-only connection. For bounded reads by an index (a row,
        a page) that pages show: they take less time than the hop to the store's thread and back, and WAL lets them
        read the last commit while a write batch is under way. Such a read does not wait for writes asked for
        before it, so what a decision rests on (a job admission or the runner acts on) goes through `run`, which
        comes after them. Until the next commit, the same read answers from memory (`fn` must name a function
        that reads, not a lambda made on each call)."""
        if self._reader is None:
            raise RuntimeError(f"The SQLite store at {self.path} is not open.")
        return self._reads.read(self._reader, fn, args)

    async def write(self, fn: Callable[..., Any], *args, durable: bool = True, **kwargs) -> Any:
        """fn(connection, *args, **kwargs) in the next batch; its result once committed. A write that is not
        durable may be lost to a power cut (never to the process dying): only for what is taken again after one."""
        conn = self._open_connection()
        loop, executor = self._thread()
        future = loop.create_future()
        with self._lock:
            self._pending.append((lambda connection: fn(connection, *args, **kwargs), future, durable))
            start, self._drain_scheduled = not self._drain_scheduled, True
        if start:
            executor.submit(self._drain, conn)
        return await future

    def _thread(self) -> tuple[asyncio.AbstractEventLoop, ThreadPoolExecutor]:
        """The event loop it answers on and its one thread, while the store is open."""
        if self._loop is None or self._executor is None:
            raise RuntimeError(f"The SQLite store at {self.path} is not open.")
        return self._loop, self._executor

    def _open_connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError(f"The SQLite store at {self.path} is not open.")
        return self._conn

    def _connect(self) -> sqlite3.Connection:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            conn.close()
            raise sqlite3.OperationalError(f"the file system does not support WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")  # temporary files would land outside our directory
        return conn

    def _drain(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            batch, self._pending, self._drain_scheduled = self._pending, [], False
        outcomes = []
        try:
            self._sync(conn, any(durable for _, _, durable in batch))
            conn.execute("BEGIN IMMEDIATE")
            outcomes = [(future, *self._attempt(conn, call)) for call, future, _ in batch]
            conn.execute("COMMIT")
        except Exception as error:  # the batch as a whole failed: nobody's write stands
            outcomes = [(future, None, error) for _, future, _ in batch]
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        finally:
            self._thread()[0].call_soon_threadsafe(_settle, self.space.noted(outcomes))

    def _sync(self, conn: sqlite3.Connection, durable: bool) -> None:
        """FULL syncs the WAL at each commit; NORMAL leaves it to the next synced commit or checkpoint."""
        if durable != self._synced:
            conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            self._synced = durable

    @staticmethod
    def _attempt(conn: sqlite3.Connection, call: Call) -> tuple[Any, Exception | None]:
        conn.execute("SAVEPOINT one_write")
        try:
            result = call(conn)
        except Exception as error:
            if not conn.in_transaction:  # SQLite undid the whole batch itself (as on a full disk): it all failed
                raise
            conn.execute("ROLLBACK TO one_write")
            conn.execute("RELEASE one_write")
            return None, error
        conn.execute("RELEASE one_write")
        return result, None


def _settle(outcomes: list[tuple[asyncio.Future, Any, Exception | None]]) -> None:
    for future, result, error in outcomes:
        if future.cancelled():
            continue
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)
