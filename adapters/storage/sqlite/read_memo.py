"""What the loop's reads found, kept until anything is committed: SQLite's data_version tells when."""
from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


class ReadsUntilCommit:
    """Answers of `fn(connection, *args)` on one read-only connection, kept while no connection has committed
    since: a page asks the same rows again and again (the session, the user, the balance, a page of jobs) while
    nothing changes. Any commit, by any connection or process, forgets them all, so nothing kept is ever stale.
    A list comes back as a new list each time; what it holds is shared, as stored documents are frozen."""

    def __init__(self, keep: int = 1024):
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()
        self._keep = keep
        self._version: int | None = None

    def read(self, conn: sqlite3.Connection, fn: Callable[..., Any], args: tuple) -> Any:
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version:
            self._kept.clear()
            self._version = version
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
