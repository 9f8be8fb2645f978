"""How a job reads in plain words on every face: its progress, and why it ended with what to do next."""
from __future__ import annotations

from enum import StrEnum

from domain.jobs import Job, JobKind, JobState
from domain.limits import duration


class Failure(StrEnum):
    """Why a job ended without its result; the technical details go to the log, never to the user."""

    WORKER_LOST = "worker_lost"
    WORKER_ERROR = "worker_error"
    REFUSED = "refused"
    TIME_LIMIT = "time_limit"
    NO_WORKER = "no_worker"
    NO_RESULT = "no_result"
    CANCELLED_BY_YOU = "cancelled_by_you"
    STOPPED = "stopped"
    INTERNAL = "internal"
    CANNOT_PREPARE = "cannot_prepare"  # what it needed is gone (a deleted dataset or picture)


_WHAT = {
    Failure.WORKER_LOST: "the image worker went away",
    Failure.WORKER_ERROR: "the image worker ran into an error while making it",
    Failure.REFUSED: "the image worker could not run it with these settings",
    Failure.TIME_LIMIT: "it ran past its time limit of {limit}",
    Failure.NO_WORKER: "no image worker was free within {limit}",
    Failure.NO_RESULT: "the image worker finished without a usable result",
    Failure.CANCELLED_BY_YOU: "cancelled",
    Failure.STOPPED: "it was stopped on the image worker",
    Failure.INTERNAL: "something went wrong on our side",
    Failure.CANNOT_PREPARE: "something it needs is gone",
}
_ADVICE = {
    Failure.WORKER_LOST: "Try again in a minute.",
    Failure.WORKER_ERROR: "Try other settings, or try again later.",
    Failure.REFUSED: "Try other settings.",
    Failure.TIME_LIMIT: "Try fewer steps or a smaller picture.",
    Failure.NO_WORKER: "Try again later.",
    Failure.NO_RESULT: "Try again.",
    Failure.STOPPED: "Try again.",
    Failure.INTERNAL: "Try again in a minute.",
    Failure.CANNOT_PREPARE: "Start it again from what you have now.",
}


def what_failed(failure: Failure, limit: float | None = None, said: str = "") -> str:
    """The plain phrase stored as a job's error: `said` when a rule already put it in plain words."""
    if said:
        return said
    return _WHAT[failure].format(limit=duration(limit or 0))


def outcome(job: Job) -> str:
    """Why an ended job has no result, what it cost, and what to do: "the image worker went away; your 7 points
    are back. Try again in a minute." (the user's own stop: "stopped, points returned")."""
    failure = Failure(job.failure) if job.failure is not None and job.failure in Failure.__members__.values() else None
    what = job.error or ("cancelled" if job.state is JobState.CANCELLED else "it did not finish")
    if failure is Failure.CANCELLED_BY_YOU:
        return "stopped, points returned" if job.refunded else "stopped"
    money = f"; your {job.price} points are back." if job.refunded else "."
    advice = _ADVICE.get(failure, "") if failure else ""
    return f"{what}{money} {advice}".strip()


def progress(job: Job, position: int | None = None, wait: float | None = None) -> str:
    """"#3 in line", "starts in about 40 s, 2 ahead of you", "starting", "sampling 8/25, about 6 s left",
    "training 40/200, about 3 minutes left"."""
    if job.state in (JobState.REQUESTED, JobState.CHARGED, JobState.QUEUED):
        if position and wait is not None:
            ahead = f"{position - 1} ahead of you" if position > 1 else "next in line"
            return f"starts in about {time_left(wait)}, {ahead}"
        return f"#{position} in line" if position else "starting"
    p = job.progress
    words = "working on it"
    if p.total:
        words = f"{'training' if job.kind == JobKind.TRAINING else 'sampling'} {p.step}/{p.total}"
        if p.seconds_left is not None and p.step < p.total:
            words += f", about {time_left(p.seconds_left)} left"
    return f"{words} · {p.message}" if p.message and p.message != "done" else words


def time_left(seconds: float) -> str:
    """'6 s', '2 minutes', '3 hours': rounded the way a person would say it."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds / 3600)} hours"
