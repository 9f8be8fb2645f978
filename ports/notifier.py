"""Notifier port: tell a user something on the platform and in the place their request came from."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.jobs import Job


@dataclass(frozen=True)
class Notice:
    """kind: queued | progress | succeeded | failed | cancelled | text."""

    kind: str
    job: Job | None = None
    text: str = ""
    position: int | None = None


class Notifier(Protocol):
    async def notify(self, origin: dict, notice: Notice) -> None:
        """Deliver `notice` to `origin` (origin["platform"] picks the channel). Never raises."""
