"""A consistent copy of a live SQLite store, made with SQLite's online backup API."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

from adapters.storage.sqlite.space import SpaceWatch
from ports.space import StorageFull

STEP_PAGES = 1024


def copy_database(source: Path, target: Path, progress: Callable[[int, int], None]) -> int:
    """Copy `source` into the new file `target` as it stood when the copy began, while other processes keep
    writing; `progress(done, total)` follows it in pages. Returns the copy's size in bytes."""
    if not source.is_file():
        raise FileNotFoundError(f"There is no SQLite store at {source}.")
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=10.0, isolation_level=None)
    writer = sqlite3.connect(target, isolation_level=None)
    try:
        # One read transaction for the whole copy: every step reads the same snapshot, so writers elsewhere
        # neither restart the copy nor make it a mix of two moments.
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
        reader.backup(writer, pages=STEP_PAGES, sleep=0,
                      progress=lambda status, remaining, total: progress(total - remaining, total))
        reader.execute("COMMIT")
        if (verdict := writer.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
            raise RuntimeError(f"The copy at {target} failed its integrity check: {verdict}")
    except (sqlite3.Error, OSError) as error:
        if SpaceWatch(str(target)).is_full(error):
            raise StorageFull(f"no room for the copy at {target} ({error})") from error
        raise
    finally:
        reader.close()
        writer.close()
    return target.stat().st_size
