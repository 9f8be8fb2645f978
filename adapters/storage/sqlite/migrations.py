"""Versioned schema migrations: each applied once, in order, recorded in schema_version."""
from __future__ import annotations

import sqlite3

# Append only: a released migration never changes, the next change is a new entry.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE users (id TEXT PRIMARY KEY, display_name TEXT NOT NULL, created_at REAL NOT NULL);
    CREATE TABLE identities (identity TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id));
    CREATE INDEX identities_by_user ON identities(user_id);
    CREATE TABLE link_codes (code TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at REAL NOT NULL,
                             used INTEGER NOT NULL DEFAULT 0);

    CREATE TABLE accounts (user_id TEXT PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0));
    CREATE TABLE ledger_entries (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES accounts(user_id), kind TEXT NOT NULL,
        amount INTEGER NOT NULL, key TEXT NOT NULL UNIQUE, reason TEXT NOT NULL, created_at REAL NOT NULL,
        job_id TEXT, refund_of TEXT UNIQUE REFERENCES ledger_entries(id));
    CREATE INDEX ledger_by_user ON ledger_entries(user_id, created_at);

    CREATE TABLE jobs (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, state TEXT NOT NULL,
                       created_at REAL NOT NULL, version INTEGER NOT NULL, lease_owner TEXT,
                       lease_until REAL, body TEXT NOT NULL);
    CREATE INDEX jobs_by_user ON jobs(user_id, created_at);
    CREATE INDEX jobs_unfinished ON jobs(created_at) WHERE state NOT IN ('succeeded', 'failed', 'cancelled');

    CREATE TABLE datasets (id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL,
                           created_at REAL NOT NULL, body TEXT NOT NULL);
    CREATE INDEX datasets_by_owner ON datasets(owner, created_at);
    CREATE INDEX datasets_by_name ON datasets(owner, name);
    CREATE TABLE training_runs (id TEXT PRIMARY KEY, owner TEXT NOT NULL, job_id TEXT,
                                created_at REAL NOT NULL, body TEXT NOT NULL);
    CREATE INDEX training_runs_by_owner ON training_runs(owner, created_at);
    CREATE INDEX training_runs_by_job ON training_runs(job_id);
    CREATE TABLE models (id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL,
                         visibility TEXT NOT NULL, created_at REAL NOT NULL, body TEXT NOT NULL);
    CREATE INDEX models_by_owner ON models(owner, created_at);
    CREATE INDEX models_by_name ON models(name);
    CREATE INDEX models_by_visibility ON models(visibility, created_at);
    CREATE TABLE model_shares (doc_id TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                               user_id TEXT NOT NULL, PRIMARY KEY (doc_id, user_id)) WITHOUT ROWID;
    CREATE INDEX model_shares_by_user ON model_shares(user_id);

    CREATE TABLE collections (id TEXT PRIMARY KEY, owner TEXT NOT NULL, link_token TEXT,
                              created_at REAL NOT NULL, body TEXT NOT NULL);
    CREATE INDEX collections_by_owner ON collections(owner, created_at);
    CREATE INDEX collections_by_link ON collections(link_token);
    CREATE TABLE collection_shares (doc_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                                    user_id TEXT NOT NULL, PRIMARY KEY (doc_id, user_id)) WITHOUT ROWID;
    CREATE INDEX collection_shares_by_user ON collection_shares(user_id);

    CREATE TABLE settings (user_id TEXT PRIMARY KEY, body TEXT NOT NULL);
    """,
    # 2: a user's jobs in one state (the gallery) without walking the others.
    """
    CREATE INDEX jobs_by_user_state ON jobs(user_id, state, created_at);
    """,
    # 3: failed and cancelled jobs still owing their refund, found without walking the others.
    """
    CREATE INDEX jobs_unsettled ON jobs(created_at) WHERE state IN ('failed', 'cancelled')
        AND json_extract(body, '$.paid') = 1 AND json_extract(body, '$.refunded') = 0;
    """,
    # 4: each job's status message on its platform, so a restart edits it onward.
    """
    CREATE TABLE status_messages (job_id TEXT PRIMARY KEY, body TEXT NOT NULL);
    """,
    # 5: sessions and API tokens, each found by the keyed hash of its secret.
    """
    CREATE TABLE credentials (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, digest TEXT NOT NULL UNIQUE,
                              expires_at REAL NOT NULL, created_at REAL NOT NULL, body TEXT NOT NULL);
    CREATE INDEX credentials_by_user ON credentials(user_id, created_at);
    CREATE INDEX credentials_by_expiry ON credentials(expires_at);
    """,
    # 6: prices offered in chats, waiting for the user's yes.
    """
    CREATE TABLE quotes (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at REAL NOT NULL, body TEXT NOT NULL);
    CREATE INDEX quotes_by_time ON quotes(created_at);
    """,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration the database lacks, each in its own transaction; returns the version.
    The version is read under the write lock, so two processes opening one new file cannot both migrate."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)")
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
            if current > len(MIGRATIONS):
                raise RuntimeError(f"The database has schema version {current}, newer than this program's "
                                   f"{len(MIGRATIONS)}; upgrade StationThis before opening it.")
            if current == len(MIGRATIONS):
                conn.execute("COMMIT")
                return current
            for statement in _statements(MIGRATIONS[current]):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?)", (current + 1,))
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            conn.execute("ROLLBACK")
            raise RuntimeError(f"Schema migration {current + 1} failed: {error}") from error
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    # Migrations hold no string literal with a semicolon, so splitting on it is exact.
    return [part.strip() for part in script.split(";") if part.strip()]
