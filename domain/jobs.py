"""The generation job and its state machine: requested -> charged -> queued -> running -> terminal."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from domain.errors import IllegalTransition
from domain.outputs import OutputKind
from domain.reply import ReplyTo


class JobKind(StrEnum):
    IMAGE = "image"  # a tool's run, whatever its output kind
    TRAINING = "training"
    CAPTION = "caption"  # one picture of a dataset captioned; its text becomes that picture's caption


class JobState(StrEnum):
    REQUESTED = "requested"
    CHARGED = "charged"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED})
_ENDS = {JobState.FAILED, JobState.CANCELLED}
TRANSITIONS = {
    JobState.REQUESTED: {JobState.CHARGED} | _ENDS,
    JobState.CHARGED: {JobState.QUEUED} | _ENDS,
    JobState.QUEUED: {JobState.RUNNING, JobState.SUCCEEDED} | _ENDS,
    JobState.RUNNING: {JobState.SUCCEEDED} | _ENDS,
    JobState.SUCCEEDED: set(),
    JobState.FAILED: set(),
    JobState.CANCELLED: set(),
}


@dataclass(frozen=True)
class Progress:
    percent: float = 0.0
    step: int = 0
    total: int = 0
    message: str = ""  # plain words from the domain ("resumed after a restart"), never a worker's own text
    seconds_left: float | None = None  # estimated from the measured step rate


@dataclass(frozen=True)
class Job:
    id: str
    user_id: str
    tool: str
    kind: JobKind
    params: dict[str, Any]
    price: int
    state: JobState
    created_at: float
    updated_at: float
    origin: ReplyTo = field(default_factory=ReplyTo)
    progress: Progress = field(default_factory=Progress)
    worker: str | None = None
    outputs: tuple[str, ...] = ()
    error: str | None = None  # plain words for the user; the technical details went to the log
    failure: str | None = None  # a domain.wording.Failure: why it ended without a result
    paid: bool = False
    refunded: bool = False
    parent_id: str | None = None
    version: int = 0
    action: str | None = None  # the follow-up (reroll, vary, upscale) this job was made by, if any
    output: OutputKind = OutputKind.IMAGES  # what its outputs are, as its template declared when it was asked for
    started_at: float | None = None  # when its worker began it (its time limit counts from then, across restarts)

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL

    @property
    def long(self) -> bool:
        """Whether only its end is worth telling (training runs for many minutes)."""
        return self.kind == JobKind.TRAINING

    @property
    def quiet(self) -> bool:
        """Whether it reports nothing by itself: a dataset's captions are told once, for the whole set."""
        return self.kind == JobKind.CAPTION

    @property
    def owes_refund(self) -> bool:
        """Points were taken and the job did not succeed: they must come back, once."""
        return self.paid and self.state in _ENDS and not self.refunded

    def to(self, target: JobState, now: float, **changes: Any) -> Job:
        """This job in state `target`, or IllegalTransition."""
        if target not in TRANSITIONS[self.state]:
            raise IllegalTransition("job", self.state.value, target.value)
        return replace(self, state=target, updated_at=now, **changes)

    def with_progress(self, progress: Progress, now: float) -> Job:
        if self.terminal:
            raise IllegalTransition("job", self.state.value, "progress")
        return replace(self, progress=progress, updated_at=now)
