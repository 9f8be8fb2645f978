"""How far a running job is, as its owner hears it: the step rate, time left, and what waits to be told."""
from __future__ import annotations

from domain.jobs import Job, Progress
from ports.engine import EngineEvent, EventKind

ESTIMATED = "estimated"  # training nodes report no steps: progress is estimated from the time elapsed


def estimated_progress(job: Job, started: float | None, now: float, seconds_per_step: float) -> EngineEvent | None:
    """For workers whose training node reports no steps (ComfyUI before 0.8): estimate from the time elapsed."""
    steps = int(job.params.get("steps") or 0)
    if job.kind != "training" or started is None or not steps:
        return None
    done = int((now - started) / seconds_per_step)
    return EngineEvent(EventKind.PROGRESS, value=min(done, steps - 1), max=steps, message=ESTIMATED)


class Untold:
    """What came since the owner was last told: the newest progress and the newest preview."""

    def __init__(self) -> None:
        self.progress: Progress | None = None
        self.preview = b""

    def __bool__(self) -> bool:
        return self.progress is not None or bool(self.preview)


class Pace:
    """Seconds left, from the step rate measured since the first step of the current count (a worker may count
    several stages, each from zero). A worker's own words (node names) are never kept for users."""

    def __init__(self) -> None:
        self.since: tuple[float, int, int] | None = None  # (time, step, total) the rate is measured from
        self.stepped = False  # the worker reports steps itself: no estimate is needed

    def progress(self, event: EngineEvent, now: float) -> Progress:
        self.stepped = self.stepped or event.message != ESTIMATED
        percent = 100.0 * event.value / event.max if event.max else 0.0
        if self.since is None or self.since[2] != event.max or event.value < self.since[1]:
            self.since = (now, event.value, event.max)
        left = None
        then, first, _ = self.since
        if event.value > first and now > then:
            left = (event.max - event.value) * (now - then) / (event.value - first)
        return Progress(percent=round(percent, 1), step=event.value, total=event.max,
                        message=ESTIMATED if event.message == ESTIMATED else "", seconds_left=left)


class Newest:
    """The newest preview not yet read: however fast they come, one picture is kept and one note queued."""

    def __init__(self) -> None:
        self.image = b""

    def put(self, image: bytes) -> bool:
        noted, self.image = bool(self.image), image
        return not noted

    def take(self) -> bytes:
        image, self.image = self.image, b""
        return image
