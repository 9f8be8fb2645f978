"""Joining two accounts on SQLite: every record of the joining account moves to the surviving one in one transaction."""
from __future__ import annotations

import json
import sqlite3

from adapters.storage.sqlite.collections import COLLECTIONS
from adapters.storage.sqlite.documents import DocumentTable
from adapters.storage.sqlite.jobs import JOBS
from adapters.storage.sqlite.ledger import post_entry
from adapters.storage.sqlite.training import DATASETS, MODELS, RUNS
from domain.errors import AccountBusy
from domain.ledger import LedgerEntry
from domain.merging import alias_of, blocks_merge, merged_settings, moved

_NAMED = ((DATASETS, None), (MODELS, "model_shares"), (COLLECTIONS, "collection_shares"))


def merge_accounts(conn: sqlite3.Connection, source: str, target: str, points: tuple[LedgerEntry, ...]) -> None:
    """Runs inside the caller's write transaction: AccountBusy (or any failure) undoes all of it."""
    busy = [job for job in JOBS.select(conn, "user_id = ?", (source,)) if blocks_merge(job)]
    if busy:
        raise AccountBusy(len(busy))
    for job in JOBS.select(conn, "user_id = ?", (source,)):
        JOBS.update(conn, moved(job, source, target))
    for run in RUNS.select(conn, "owner = ?", (source,)):
        RUNS.update(conn, moved(run, source, target))
    for table, shares in _NAMED:
        _move_named(conn, table, shares, source, target)
    mine, theirs = _settings(conn, target), _settings(conn, source)
    if theirs:
        conn.execute("INSERT INTO settings (user_id, body) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                     "body = excluded.body", (target, json.dumps(merged_settings(theirs, mine), ensure_ascii=False)))
    for entry in points:
        post_entry(conn, entry)
    conn.execute("UPDATE identities SET user_id = ? WHERE user_id = ?", (target, source))
    conn.execute("INSERT INTO identities (identity, user_id) VALUES (?, ?) "
                 "ON CONFLICT (identity) DO UPDATE SET user_id = excluded.user_id", (alias_of(source), target))


def _move_named(conn: sqlite3.Connection, table: DocumentTable, shares: str | None, source: str, target: str) -> None:
    taken = {doc.name for doc in table.select(conn, "owner = ?", (target,))}
    for doc in table.select(conn, "owner = ?", (source,)):
        table.update(conn, moved(doc, source, target, taken))
    if shares is not None:  # what others shared with the joining account is shared with the surviving one
        for doc in table.select(conn, f"id IN (SELECT doc_id FROM {shares} WHERE user_id = ?)", (source,)):
            table.update(conn, moved(doc, source, target))


def _settings(conn: sqlite3.Connection, user_id: str) -> dict:
    row = conn.execute("SELECT body FROM settings WHERE user_id = ?", (user_id,)).fetchone()
    return json.loads(row[0]) if row else {}
