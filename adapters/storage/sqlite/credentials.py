"""SqliteCredentialRepository: sessions and API tokens by the hash of their secret."""
from __future__ import annotations

import sqlite3

from adapters.storage.sqlite.database import SqliteDatabase
from adapters.storage.sqlite.documents import DocumentTable
from domain.credentials import Credential

_CREDENTIALS = DocumentTable("credentials", Credential, lambda credential: {
    "user_id": credential.user_id, "digest": credential.digest, "expires_at": credential.expires_at,
    "created_at": credential.created_at}, remember=1024)  # every request with a session or token reads one


class SqliteCredentialRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def add(self, credential: Credential) -> None:
        await self._db.write(_CREDENTIALS.insert, credential)

    async def by_digest(self, digest: str) -> Credential | None:
        return await self._db.read(_CREDENTIALS.one, "digest = ?", (digest,))

    async def of_user(self, user_id: str) -> list[Credential]:
        return await self._db.run(_CREDENTIALS.select, "user_id = ?", (user_id,))

    async def used(self, credential_id: str, when: float) -> None:
        await self._db.write(lambda conn: conn.execute(
            "UPDATE credentials SET body = json_set(body, '$.last_used_at', ?) WHERE id = ?", (when, credential_id)))

    async def delete(self, credential_id: str) -> None:
        await self._db.write(_CREDENTIALS.delete, credential_id)

    async def delete_of_user(self, user_id: str) -> int:
        return await self._db.write(_deleted, "user_id = ?", user_id)

    async def delete_expired(self, now: float) -> int:
        return await self._db.write(_deleted, "expires_at <= ?", now)


def _deleted(conn: sqlite3.Connection, where: str, value: object) -> int:
    return conn.execute(f"DELETE FROM credentials WHERE {where}", (value,)).rowcount
