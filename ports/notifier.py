"""Notifier port: tell a user something on the platform and in the place their request came from."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from domain.jobs import Job
from domain.reply import ReplyTo


class NoticeKind(StrEnum):
    QUEUED = "queued"
    PROGRESS = "progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TEXT = "text"  # words without a job


STATUS_KINDS = (NoticeKind.QUEUED, NoticeKind.PROGRESS)  # a job's passing state: the newest one is enough
FINAL_KINDS = (NoticeKind.SUCCEEDED, NoticeKind.FAILED, NoticeKind.CANCELLED)


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    job: Job | None = None
    text: str = ""
    position: int | None = None
    preview: bytes = b""  # the newest picture of a running job, where its owner wants to see it form
    wait: float | None = None  # seconds until a queued job should start, estimated from recent jobs


@dataclass
class PreviewCounts:
    """Preview pictures a chat bot put on status messages, and those it dropped for a newer one (flood limits,
    a slow chat): the newest picture is all a status needs, so under pressure previews give way, never results."""

    shown: int = 0
    dropped: int = 0


class StatusMessages(Protocol):
    """Where each job's status message is shown (chat and message ids), kept in storage so that a restarted
    process edits that message onward instead of starting a second one."""

    async def get(self, job_id: str) -> dict[str, Any] | None: ...
    async def put(self, job_id: str, where: dict[str, Any]) -> None: ...
    async def drop(self, job_id: str) -> None: ...


class Notifier(Protocol):
    async def notify(self, origin: ReplyTo, notice: Notice) -> None:
        """Deliver `notice` to `origin` (its platform picks the channel). Never raises."""


class Connections(Protocol):
    """Whether each configured chat platform is connected now (a bot whose connection broke is down)."""

    def states(self) -> dict[str, bool]: ...
    def previews(self) -> dict[str, PreviewCounts]: ...
