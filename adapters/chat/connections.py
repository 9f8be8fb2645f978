"""Each started chat platform's connection, as health checks and metrics report it."""
from __future__ import annotations

from collections.abc import Callable

from ports.notifier import PreviewCounts


class PlatformConnections:
    """A platform adds a probe when it starts and removes it when it stops; a probe never blocks."""

    def __init__(self) -> None:
        self._probes: dict[str, Callable[[], bool]] = {}
        self._previews: dict[str, PreviewCounts] = {}

    def add(self, platform: str, connected: Callable[[], bool], previews: PreviewCounts | None = None) -> None:
        self._probes[platform] = connected
        if previews is not None:
            self._previews[platform] = previews

    def remove(self, platform: str) -> None:
        self._probes.pop(platform, None)
        self._previews.pop(platform, None)

    def previews(self) -> dict[str, PreviewCounts]:
        return dict(self._previews)

    def states(self) -> dict[str, bool]:
        return {platform: bool(probe()) for platform, probe in self._probes.items()}
