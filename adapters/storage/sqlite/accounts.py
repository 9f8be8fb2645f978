"""SqliteUserRepository and SqliteLinkCodeRepository: users, the identities they own, link codes."""
from __future__ import annotations

import sqlite3

from adapters.storage.sqlite.database import SqliteDatabase
from adapters.storage.sqlite.merge import merge_accounts
from domain.identity import LinkCode, User
from domain.ledger import LedgerEntry, check_entry


class SqliteUserRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def get(self, user_id: str) -> User | None:
        return await self._db.read(_user, "SELECT id, display_name, created_at FROM users WHERE id = ?", user_id)

    async def add(self, user: User, identity: str) -> User:
        return await self._db.write(_add, user, identity)

    async def by_identity(self, identity: str) -> User | None:
        return await self._db.read(_user, _BY_IDENTITY, identity)

    async def identities(self, user_id: str) -> list[str]:
        return await self._db.run(lambda conn: [identity for (identity,) in conn.execute(
            "SELECT identity FROM identities WHERE user_id = ? ORDER BY identity", (user_id,))])

    async def attach(self, identity: str, user_id: str) -> None:
        await self._db.write(lambda conn: conn.execute(
            "INSERT INTO identities (identity, user_id) VALUES (?, ?) "
            "ON CONFLICT (identity) DO UPDATE SET user_id = excluded.user_id", (identity, user_id)))

    async def all_ids(self) -> list[str]:
        return await self._db.run(lambda conn: [user_id for (user_id,) in conn.execute(
            "SELECT id FROM users ORDER BY created_at, rowid")])

    async def merge(self, source: str, target: str, points: tuple[LedgerEntry, ...]) -> None:
        for entry in points:
            check_entry(entry)
        await self._db.write(merge_accounts, source, target, points)


class SqliteLinkCodeRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def add(self, code: LinkCode) -> None:
        await self._db.write(lambda conn: conn.execute(
            "INSERT INTO link_codes (code, user_id, expires_at, used) VALUES (?, ?, ?, ?)",
            (code.code, code.user_id, code.expires_at, code.used)))

    async def consume(self, code: str, now: float) -> LinkCode | None:
        return await self._db.write(_consume, code, now)

    async def peek(self, code: str, now: float) -> LinkCode | None:
        row = await self._db.run(lambda conn: conn.execute(
            "SELECT code, user_id, expires_at FROM link_codes WHERE code = ? AND used = 0 AND expires_at > ?",
            (code, now)).fetchone())
        return LinkCode(*row) if row else None


_BY_IDENTITY = ("SELECT u.id, u.display_name, u.created_at FROM identities i JOIN users u ON u.id = i.user_id "
                "WHERE i.identity = ?")


def _user(conn: sqlite3.Connection, sql: str, key: str) -> User | None:
    row = conn.execute(sql, (key,)).fetchone()
    return User(*row) if row else None


def _add(conn: sqlite3.Connection, user: User, identity: str) -> User:
    owner = _user(conn, _BY_IDENTITY, identity)
    if owner is not None:
        return owner
    conn.execute("INSERT INTO users (id, display_name, created_at) VALUES (?, ?, ?)",
                 (user.id, user.display_name, user.created_at))
    conn.execute("INSERT INTO identities (identity, user_id) VALUES (?, ?)", (identity, user.id))
    return user


def _consume(conn: sqlite3.Connection, code: str, now: float) -> LinkCode | None:
    rows = conn.execute("UPDATE link_codes SET used = 1 WHERE code = ? AND used = 0 AND expires_at > ? "
                        "RETURNING code, user_id, expires_at", (code, now)).fetchall()
    return LinkCode(rows[0][0], rows[0][1], rows[0][2], used=True) if rows else None
