"""SqliteSettingsRepository: each user's parameter defaults as one JSON object."""
from __future__ import annotations

import json
import sqlite3

from adapters.storage.sqlite.database import SqliteDatabase


class SqliteSettingsRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def get(self, user_id: str) -> dict:
        row = await self._db.read(_settings_row, user_id)
        return json.loads(row[0]) if row else {}

    async def put(self, user_id: str, values: dict) -> None:
        body = json.dumps(values, ensure_ascii=False)
        await self._db.write(lambda conn: conn.execute(
            "INSERT INTO settings (user_id, body) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET body = excluded.body", (user_id, body)))


def _settings_row(conn: sqlite3.Connection, user_id: str) -> tuple | None:
    return conn.execute("SELECT body FROM settings WHERE user_id = ?", (user_id,)).fetchone()
