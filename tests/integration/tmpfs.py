"""A real small disk for the full-disk tests: a tmpfs of its own (root only; the tests skip elsewhere)."""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest


class Disk:
    """A tmpfs that `fill` fills to the last byte and `empty` empties again."""

    def __init__(self, path: Path):
        self.path, self.filler = path, path / "filler"

    def fill(self) -> None:
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for size in (64 * 1024, 1):  # big pieces first, then the last bytes one by one
                try:
                    while True:
                        os.write(fd, bytes(size))
                except OSError as error:
                    assert error.errno == errno.ENOSPC, error
        finally:
            os.close(fd)
        assert shutil.disk_usage(self.path).free == 0

    def empty(self) -> None:
        self.filler.unlink()


@contextmanager
def mounted(path: Path, size: int):
    """A tmpfs of `size` bytes at `path` for the duration of a `with` block (or the test is skipped)."""
    path.mkdir(parents=True, exist_ok=True)
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                           capture_output=True, text=True)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mount.stderr.strip()}")
    try:
        yield Disk(path)
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
