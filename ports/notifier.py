"""Notifier port: tell a user something on the platform and in the place their request came from."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.jobs import Job
from domain.reply import ReplyTo


@dataclass(frozen=True)
class Notice:
    """kind: queued | progress | succeeded | failed | cancelled | text."""

    kind: str
    job: Job | None = None
    text: str = ""
    position: int | None = None


class Notifier(Protocol):
    async def notify(self, origin: ReplyTo, notice: Notice) -> None:
        """Deliver `notice` to `origin` (its platform picks the channel). Never raises."""
