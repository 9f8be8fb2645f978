"""SqliteStatusMessageRepository: where each job's status message is shown, as one JSON object per job."""
from __future__ import annotations

import json

from adapters.storage.sqlite.database import SqliteDatabase


class SqliteStatusMessageRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def get(self, job_id: str) -> dict | None:
        row = await self._db.run(lambda conn: conn.execute(
            "SELECT body FROM status_messages WHERE job_id = ?", (job_id,)).fetchone())
        return json.loads(row[0]) if row else None

    async def put(self, job_id: str, where: dict) -> None:
        await self._db.write(lambda conn: conn.execute(
            "INSERT INTO status_messages (job_id, body) VALUES (?, ?) "
            "ON CONFLICT (job_id) DO UPDATE SET body = excluded.body", (job_id, json.dumps(where))))

    async def drop(self, job_id: str) -> None:
        await self._db.write(lambda conn: conn.execute("DELETE FROM status_messages WHERE job_id = ?", (job_id,)))
