"""A table of dataclasses kept as JSON, beside the columns that queries filter and sort on."""
from __future__ import annotations

import sqlite3
from collections import OrderedDict
from typing import Any, Callable

from adapters.storage.sqlite.codec import dump, load

NEWEST_FIRST = "created_at DESC, rowid DESC"


class DocumentTable:
    """`columns(doc)` gives the queryable columns besides id and body. With `shares`, the table
    of that name lists, per document, the users in its `shared_with`."""

    def __init__(self, table: str, cls: type, columns: Callable[[Any], dict], shares: str | None = None,
                 remember: int = 0):
        self.table, self.cls, self.columns, self.shares = table, cls, columns, shares
        self._decoded: OrderedDict[str, Any] = OrderedDict()  # stored text -> document, the `remember` latest
        self._remember = remember

    def get(self, conn: sqlite3.Connection, doc_id: str) -> Any:
        return self.one(conn, "id = ?", (doc_id,))

    def one(self, conn: sqlite3.Connection, unique: str, params: tuple = ()) -> Any:
        """The document where `unique` (a condition on a unique column) holds, or None: one lookup in its index,
        with nothing to sort (every signed-in request makes one)."""
        row = conn.execute(f"SELECT body FROM {self.table} WHERE {unique}", params).fetchone()
        return None if row is None else self._load(row[0])

    def select(self, conn: sqlite3.Connection, where: str, params: tuple = (), order: str = NEWEST_FIRST,
               limit: int = -1, offset: int = 0) -> list:
        # The page is chosen in the index alone (rowids), so skipped rows are never read from the table.
        rows = conn.execute(
            f"SELECT body FROM {self.table} WHERE rowid IN (SELECT rowid FROM {self.table} WHERE {where} "
            f"ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}", (*params, limit, offset))
        return [self._load(body) for (body,) in rows]

    def _load(self, body: str) -> Any:
        """The same stored text always makes the same (frozen) document: listings decode each one once."""
        if not self._remember:
            return load(self.cls, body)
        doc = self._decoded.get(body)
        if doc is None:
            doc = self._decoded[body] = load(self.cls, body)
            if len(self._decoded) > self._remember:
                self._decoded.popitem(last=False)
        return doc

    def insert(self, conn: sqlite3.Connection, doc: Any) -> bool:
        """False, changing nothing, when a document with this id is already stored."""
        values = {"id": doc.id, **self.columns(doc), "body": dump(doc)}
        inserted = conn.execute(
            f"INSERT INTO {self.table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))}) "
            "ON CONFLICT (id) DO NOTHING", tuple(values.values())).rowcount == 1
        if inserted:
            self._share(conn, doc)
        return inserted

    def update(self, conn: sqlite3.Connection, doc: Any, condition: str = "1", params: tuple = ()) -> bool:
        """Replace the stored document if it exists and `condition` holds; whether it did."""
        values = {**self.columns(doc), "body": dump(doc)}
        updated = conn.execute(
            f"UPDATE {self.table} SET {', '.join(f'{name} = ?' for name in values)} WHERE id = ? AND ({condition})",
            (*values.values(), doc.id, *params)).rowcount == 1
        if updated:
            self._share(conn, doc)
        return updated

    def delete(self, conn: sqlite3.Connection, doc_id: str) -> None:
        conn.execute(f"DELETE FROM {self.table} WHERE id = ?", (doc_id,))

    def _share(self, conn: sqlite3.Connection, doc: Any) -> None:
        if self.shares is None:
            return
        conn.execute(f"DELETE FROM {self.shares} WHERE doc_id = ?", (doc.id,))
        conn.executemany(f"INSERT INTO {self.shares} (doc_id, user_id) VALUES (?, ?)",
                         [(doc.id, user_id) for user_id in doc.shared_with])
