"""SqliteJobRepository: jobs with optimistic versions, unfinished-job scans and exclusive leases."""
from __future__ import annotations

import sqlite3
from dataclasses import replace

from adapters.storage.sqlite.database import SqliteDatabase
from adapters.storage.sqlite.documents import NEWEST_FIRST, DocumentTable
from domain.errors import ConcurrentUpdate
from domain.jobs import Job, JobState

_JOBS = DocumentTable("jobs", Job, lambda job: {
    "user_id": job.user_id, "state": job.state.value, "created_at": job.created_at, "version": job.version})
# Written exactly as in the jobs_unfinished partial index, so SQLite can use that index.
_UNFINISHED = "state NOT IN ('succeeded', 'failed', 'cancelled')"


class SqliteJobRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def add(self, job: Job) -> bool:
        """True if stored; False if a job with this id already was (a double click)."""
        return await self._db.write(_JOBS.insert, job)

    async def get(self, job_id: str) -> Job | None:
        return await self._db.run(_JOBS.get, job_id)

    async def save(self, job: Job) -> Job:
        return await self._db.write(_save, job)

    async def unfinished(self) -> list[Job]:
        return await self._db.run(_JOBS.select, _UNFINISHED, order="created_at, rowid")

    async def of_user(self, user_id: str, limit: int = 20, offset: int = 0,
                      state: JobState | None = None) -> list[Job]:
        where, params = ("user_id = ?", (user_id,)) if state is None else \
            ("user_id = ? AND state = ?", (user_id, state.value))
        return await self._db.run(_JOBS.select, where, params, NEWEST_FIRST, limit, offset)

    async def count_by_state(self) -> dict[str, int]:
        return dict(await self._db.run(lambda conn: conn.execute(
            "SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall()))

    async def claim(self, job_id: str, owner: str, until: float, now: float) -> bool:
        return await self._db.write(_claim, job_id, owner, until, now)


def _save(conn: sqlite3.Connection, job: Job) -> Job:
    saved = replace(job, version=job.version + 1)
    if not _JOBS.update(conn, saved, "version = ?", (job.version,)):
        raise ConcurrentUpdate(f"Job {job.id} changed since version {job.version} was read; reload it and try again.")
    return saved


def _claim(conn: sqlite3.Connection, job_id: str, owner: str, until: float, now: float) -> bool:
    return conn.execute(
        "UPDATE jobs SET lease_owner = ?, lease_until = ? "
        "WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until <= ?)",
        (owner, until, job_id, owner, now)).rowcount == 1
