"""Each started chat platform's connection, as health checks and metrics report it."""
from __future__ import annotations

from collections.abc import Callable


class PlatformConnections:
    """A platform adds a probe when it starts and removes it when it stops; a probe never blocks."""

    def __init__(self) -> None:
        self._probes: dict[str, Callable[[], bool]] = {}

    def add(self, platform: str, connected: Callable[[], bool]) -> None:
        self._probes[platform] = connected

    def remove(self, platform: str) -> None:
        self._probes.pop(platform, None)

    def states(self) -> dict[str, bool]:
        return {platform: bool(probe()) for platform, probe in self._probes.items()}
