"""SqliteLedgerRepository: entries and stored balances, posted under the domain's ledger rules."""
from __future__ import annotations

import sqlite3

from adapters.storage.sqlite.database import SqliteDatabase
from domain.errors import RefundRefused
from domain.ledger import EntryKind, LedgerEntry, Posted, apply, check_entry, check_refund

_COLUMNS = "id, user_id, kind, amount, key, reason, created_at, job_id, refund_of"
_SELECT = f"SELECT {_COLUMNS} FROM ledger_entries"


class SqliteLedgerRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def post(self, entry: LedgerEntry) -> Posted:
        check_entry(entry)
        return await self._db.write(post_entry, entry)

    async def balance(self, user_id: str) -> int:
        return await self._db.read(_balance, user_id)

    async def entries(self, user_id: str, limit: int = 50, before: float | None = None) -> list[LedgerEntry]:
        where, params = ("user_id = ?", (user_id,)) if before is None else \
            ("user_id = ? AND created_at < ?", (user_id, before))
        return await self._db.run(_select, f"{where} ORDER BY created_at DESC, rowid DESC LIMIT ?", (*params, limit))

    async def by_key(self, key: str) -> LedgerEntry | None:
        return await self._db.run(_one, "key = ?", (key,))

    async def verify(self) -> list[tuple[str, int, int]]:
        return await self._db.run(_rows, """
            SELECT a.user_id, a.balance, COALESCE(SUM(e.amount), 0) AS total
            FROM accounts a LEFT JOIN ledger_entries e ON e.user_id = a.user_id
            GROUP BY a.user_id HAVING a.balance != total""")

    async def totals(self) -> dict[str, int]:
        moved = await self._db.run(_rows, "SELECT kind, SUM(ABS(amount)) FROM ledger_entries GROUP BY kind")
        return {kind.value: 0 for kind in EntryKind} | dict(moved)

    async def of_jobs(self) -> list[LedgerEntry]:
        return await self._db.run(_select, "job_id IS NOT NULL ORDER BY created_at, rowid", ())


def post_entry(conn: sqlite3.Connection, entry: LedgerEntry) -> Posted:
    """Post `entry` inside the caller's transaction (a job's charge or refund is written with the job)."""
    standing = _one(conn, "key = ?", (entry.key,))
    if standing is not None:
        return Posted(standing, _balance(conn, standing.user_id), replayed=True)
    if entry.kind is EntryKind.REFUND:
        _check_refundable(conn, entry)
    after = apply(_balance(conn, entry.user_id), entry)
    conn.execute("INSERT INTO accounts (user_id, balance) VALUES (?, ?) "
                 "ON CONFLICT (user_id) DO UPDATE SET balance = excluded.balance", (entry.user_id, after))
    conn.execute(f"INSERT INTO ledger_entries ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (entry.id, entry.user_id, entry.kind.value, entry.amount, entry.key, entry.reason,
                  entry.created_at, entry.job_id, entry.refund_of))
    return Posted(entry, after)


def _check_refundable(conn: sqlite3.Connection, refund: LedgerEntry) -> None:
    check_refund(refund, _one(conn, "id = ?", (refund.refund_of,)))
    earlier = conn.execute("SELECT key FROM ledger_entries WHERE refund_of = ?", (refund.refund_of,)).fetchone()
    if earlier is not None:
        raise RefundRefused(f"That charge was already refunded (under key {earlier[0]}).")


def _balance(conn: sqlite3.Connection, user_id: str) -> int:
    row = conn.execute("SELECT balance FROM accounts WHERE user_id = ?", (user_id,)).fetchone()
    return row[0] if row else 0


def _one(conn: sqlite3.Connection, clause: str, params: tuple) -> LedgerEntry | None:
    found = _select(conn, clause, params)
    return found[0] if found else None


def _select(conn: sqlite3.Connection, clause: str, params: tuple) -> list[LedgerEntry]:
    return [LedgerEntry(id, user_id, EntryKind(kind), *rest)
            for id, user_id, kind, *rest in conn.execute(f"{_SELECT} WHERE {clause}", params)]


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()
