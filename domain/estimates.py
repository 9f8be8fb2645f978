"""How long work takes: recent durations per worker and template, and when a waiting job should start."""
from __future__ import annotations

from collections import deque
from statistics import median

RECENT = 20  # durations kept per worker and template


class Durations:
    """Seconds from start to result of recent jobs, per worker and template, and the jobs running now."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], deque[float]] = {}
        self._running: dict[str, tuple[str, str, float]] = {}  # job -> (worker, template, when it started)
        self._typical: dict[tuple[str, str | None], float | None] = {}  # answers until the next job ends

    def began(self, job_id: str, worker: str, tool: str, now: float) -> None:
        self._running[job_id] = (worker, tool, now)

    def ended(self, job_id: str, now: float, succeeded: bool) -> None:
        """Only a job that made its result says how long the work takes."""
        started = self._running.pop(job_id, None)
        if started is not None and succeeded:
            worker, tool, then = started
            self._seen.setdefault((worker, tool), deque(maxlen=RECENT)).append(now - then)
            self._typical.clear()

    def typical(self, tool: str, worker: str | None = None) -> float | None:
        """The median recent duration of `tool` on `worker` (on any worker when it has none, or none is named).
        Asked for every waiting job each time the line moves, so kept until the next job ends."""
        if (tool, worker) not in self._typical:
            mine = list(self._seen.get((worker, tool), ())) if worker else []
            found = mine or [s for (_, t), times in self._seen.items() if t == tool for s in times]
            self._typical[(tool, worker)] = median(found) if found else None
        return self._typical[(tool, worker)]

    def start_in(self, tool: str, ahead: int, on_workers: set[str], workers: int, now: float) -> float | None:
        """Seconds until a job of `tool` starts: what the running jobs still need, the jobs handed to workers
        (`on_workers`) but not started, and the `ahead` jobs in line before it, shared by `workers`; None without
        any history."""
        each = self.typical(tool)
        if workers < 1 or each is None:
            return None
        left = [max((self.typical(t, w) or each) - (now - then), 0.0) for w, t, then in self._running.values()]
        waiting = len(on_workers - self._running.keys())
        return (sum(left) + each * (ahead + waiting)) / workers
