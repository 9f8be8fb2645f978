"""Telling a full disk from other SQLite failures, and noticing when room comes back."""
from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from ports.space import StorageFull, out_of_space

PROBE_BYTES = 64 * 1024
# SQLite reports some full disks as an I/O error (the -shm file could not grow); with less than this
# left on the disk, an I/O error is taken for a full disk.
LOW_WATER_BYTES = 1 << 20


class SpaceWatch:
    """Whether the store's last writes failed for want of space, and whether its disk has room again."""

    def __init__(self, path: str):
        self.path = path
        self.folder = Path(path).resolve().parent
        self.full = False

    def is_full(self, error: BaseException) -> bool:
        if out_of_space(error):
            return True
        code = getattr(error, "sqlite_errorcode", None) if isinstance(error, sqlite3.Error) else None
        if code == sqlite3.SQLITE_FULL:
            return True
        return code is not None and code & 0xFF == sqlite3.SQLITE_IOERR and _free_bytes(self.folder) < LOW_WATER_BYTES

    def full_error(self, detail: object) -> StorageFull:
        return StorageFull(f"The SQLite store at {self.path} is full ({detail}): free space on its disk; "
                           "writes resume by themselves once there is room.")

    def opening_error(self, error: BaseException) -> Exception:
        if self.is_full(error):
            return self.full_error(error)
        return RuntimeError(f"Cannot open the SQLite store at {self.path}: {error}")

    def noted(self, outcomes: list[tuple]) -> list[tuple]:
        """(future, result, error) outcomes of one batch, full-disk errors made StorageFull; the store counts
        as full from such a failure until a write commits again."""
        checked = [(future, result, self.full_error(error) if error is not None and self.is_full(error) else error)
                   for future, result, error in outcomes]
        if any(isinstance(error, StorageFull) for *_, error in checked):
            self.full = True
        elif any(error is None for *_, error in checked):
            self.full = False
        return checked

    async def check(self) -> None:
        """Raise StorageFull while the store is full and its disk still has no room for a small write."""
        if self.full:
            if not await asyncio.to_thread(_room_for_probe, self.folder):
                raise self.full_error("no space left on its disk")
            self.full = False


def _room_for_probe(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(bytes(PROBE_BYTES))
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        if out_of_space(error):
            return False
        raise
    return True


def _free_bytes(folder: Path) -> int:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:  # cannot tell: not a full disk as far as we know
        return LOW_WATER_BYTES
