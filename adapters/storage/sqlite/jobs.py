"""SqliteJobRepository: jobs with optimistic versions, unfinished-job scans and exclusive leases."""
from __future__ import annotations

import sqlite3
from dataclasses import replace

from adapters.storage.sqlite.database import SqliteDatabase
from adapters.storage.sqlite.documents import NEWEST_FIRST, DocumentTable
from adapters.storage.sqlite.ledger import post_entry
from domain.errors import ConcurrentUpdate
from domain.jobs import Job, JobState
from domain.ledger import LedgerEntry, check_entry

JOBS = DocumentTable("jobs", Job, lambda job: {
    "user_id": job.user_id, "state": job.state.value, "created_at": job.created_at, "version": job.version},
    remember=4096)  # galleries list the same jobs again and again; a job's stored text changes with each save
# Written exactly as in the jobs_unfinished and jobs_unsettled partial indexes, so SQLite can use them.
_UNFINISHED = "state NOT IN ('succeeded', 'failed', 'cancelled')"
_UNSETTLED = ("state IN ('failed', 'cancelled') "
              "AND json_extract(body, '$.paid') = 1 AND json_extract(body, '$.refunded') = 0")


class SqliteJobRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def add(self, job: Job, charge: LedgerEntry | None = None) -> bool:
        """True if stored (with its charge, in one transaction); False if a job with this id already was."""
        if charge is not None:
            check_entry(charge)
        return await self._db.write(_add, job, charge)

    async def get(self, job_id: str) -> Job | None:
        # After every write asked for before it: admission and the runner decide on what this returns.
        return await self._db.run(JOBS.get, job_id)

    async def save(self, job: Job, refund: LedgerEntry | None = None, durable: bool = True) -> Job:
        if refund is not None:
            check_entry(refund)
        return await self._db.write(_save, job, refund, durable=durable or refund is not None)

    async def unfinished(self) -> list[Job]:
        return await self._db.run(JOBS.select, _UNFINISHED, order="created_at, rowid")

    async def unsettled(self) -> list[Job]:
        return await self._db.run(JOBS.select, _UNSETTLED, order="created_at, rowid")

    async def all(self) -> list[Job]:
        return await self._db.run(JOBS.select, "1", order="created_at, rowid")

    async def of_user(self, user_id: str, limit: int = 20, offset: int = 0,
                      state: JobState | None = None) -> list[Job]:
        where, params = ("user_id = ? AND state != 'requested'", (user_id,)) if state is None else \
            ("user_id = ? AND state = ?", (user_id, state.value))
        return await self._db.read(JOBS.select, where, params, NEWEST_FIRST, limit, offset)

    async def count_by_state(self) -> dict[str, int]:
        return dict(await self._db.run(lambda conn: conn.execute(
            "SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall()))

    async def claim(self, job_id: str, owner: str, until: float, now: float) -> bool:
        # Not synced: a lease lost to a power cut is simply taken again by whoever restarts.
        return await self._db.write(_claim, job_id, owner, until, now, durable=False)


def _add(conn: sqlite3.Connection, job: Job, charge: LedgerEntry | None) -> bool:
    if not JOBS.insert(conn, job):
        # Stores before this one wrote a job and its charge apart: finish one a crash left requested.
        if charge is None or not JOBS.update(conn, job, "state = 'requested'"):
            return False
    if charge is not None:
        post_entry(conn, charge)  # InsufficientPoints undoes the insert with it
    return True


def _save(conn: sqlite3.Connection, job: Job, refund: LedgerEntry | None) -> Job:
    saved = replace(job, version=job.version + 1)
    if not JOBS.update(conn, saved, "version = ?", (job.version,)):
        raise ConcurrentUpdate(f"Job {job.id} changed since version {job.version} was read; reload it and try again.")
    if refund is not None:
        post_entry(conn, refund)
    return saved


def _claim(conn: sqlite3.Connection, job_id: str, owner: str, until: float, now: float) -> bool:
    return conn.execute(
        "UPDATE jobs SET lease_owner = ?, lease_until = ? "
        "WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until <= ?)",
        (owner, until, job_id, owner, now)).rowcount == 1
