"""What the loop's reads found, kept until anything is committed: SQLite's data_version tells when."""
from __future__ import annotations

import asyncio
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


class ReadsUntilCommit:
    """Answers of `fn(connection, *args)` on one read-only connection, kept while no connection has committed
    since: a page asks the same rows again and again (the session, the user, the balance, a page of jobs) while
    nothing changes. Any commit, by any connection or process, forgets them all from the next turn of the event
    loop: SQLite is asked (a read lock taken and given back) once a turn, not once a read, as a turn's requests read
    2-6 times each. Whoever waited for a write reads after it all the same, since the write's waiter is woken in a
    later turn than the commit. A list comes back as a new list each time; what it holds is shared, as stored
    documents are frozen."""

    def __init__(self, keep: int = 1024):
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()
        self._keep = keep
        self._version: int | None = None
        self._asked_this_turn = False

    def read(self, conn: sqlite3.Connection, fn: Callable[..., Any], args: tuple) -> Any:
        if not self._asked_this_turn:
            self._forget_if_committed(conn)
        key = (fn, args)
        try:
            found = self._kept.get(key, _MISSING)
        except TypeError:  # an unhashable argument: read, keep nothing
            return fn(conn, *args)
        if found is _MISSING:
            found = self._kept[key] = fn(conn, *args)
            if len(self._kept) > self._keep:
                self._kept.popitem(last=False)
        return list(found) if isinstance(found, list) else found

    def _forget_if_committed(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version:
            self._kept.clear()
            self._version = version
        self._asked_this_turn = True
        asyncio.get_running_loop().call_soon(self._next_turn)

    def _next_turn(self) -> None:
        self._asked_this_turn = False
