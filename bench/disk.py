"""How the disk under the station's store answers a sync during a run: a process of its own writes and syncs a small
file beside the store every 20 ms and notes each sync that took longer than a stall. The station waits for the disk
before it tells anyone of a result (the file and the job must be on disk first), so a delivery that overlapped a
stall speaks of the disk, as a run with high host steal speaks of the host."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

EVERY_S = 0.02
STALL_MS = 20.0  # a sync of 4 KB takes p50 ~0.4 ms, p99 ~0.8 ms on this project's test machine when the disk is calm


class DiskWatch:
    """Started beside a run, stopped after it: the stalls seen, as (start, end) on the shared monotonic clock."""

    def __init__(self, folder: str):
        self.folder = folder
        self.stalls: list[tuple[float, float]] = []
        self.syncs = 0
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        self._process = subprocess.Popen([sys.executable, __file__, self.folder], stdout=subprocess.PIPE, text=True)
        self._process.stdout.readline()  # ready

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.send_signal(signal.SIGTERM)
        out, _ = self._process.communicate(timeout=30)
        seen = json.loads(out.strip().splitlines()[-1])
        self.syncs, self.stalls = seen["syncs"], [tuple(stall) for stall in seen["stalls"]]

    def held(self, start: float, end: float) -> bool:
        """Whether a stall overlapped the moments from start to end."""
        return any(began < end and start < ended for began, ended in self.stalls)

    def figures(self) -> dict:
        longest = max((ended - began for began, ended in self.stalls), default=0.0)
        return {"disk_syncs": self.syncs, "disk_stalls": len(self.stalls), "disk_stall_max_ms": round(longest * 1000, 1)}


def watch(folder: str) -> None:
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    fd = os.open(Path(folder) / ".disk-watch", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    stalls, syncs = [], 0
    print("ready", flush=True)
    while not stop:
        os.pwrite(fd, os.urandom(4096), 0)
        began = time.monotonic()
        os.fdatasync(fd)
        ended = time.monotonic()
        syncs += 1
        if (ended - began) * 1000 > STALL_MS:
            stalls.append((began, ended))
        time.sleep(EVERY_S)
    os.close(fd)
    os.unlink(Path(folder) / ".disk-watch")
    print(json.dumps({"syncs": syncs, "stalls": stalls}), flush=True)


if __name__ == "__main__":
    watch(sys.argv[1])
