"""Each job's newest preview not shown yet, every picture counted once: shown, or dropped for a newer one."""
from __future__ import annotations

from ports.notifier import PreviewCounts


class NewestPreviews:
    """A status message needs only the newest picture: an older one waiting (not one on its way) gives way to a
    newer one, so under flood limits previews are dropped, never queued. `counts` is what /metrics reports."""

    def __init__(self) -> None:
        self.counts = PreviewCounts()
        self._waiting: dict[str, bytes] = {}  # job -> its newest picture not shown yet
        self._sending: dict[str, bytes] = {}  # job -> the picture on its way to the chat now

    def offer(self, key: str, preview: bytes) -> None:
        older = self._waiting.get(key)
        if older is not None and older is not self._sending.get(key):
            self.counts.dropped += 1
        self._waiting[key] = preview

    def waiting(self, key: str) -> bytes:
        """The picture to show next (b"" when there is none, or it is on its way already)."""
        preview = self._waiting.get(key, b"")
        return b"" if preview is self._sending.get(key) else preview

    def sending(self, key: str, preview: bytes) -> None:
        if preview:
            self._sending[key] = preview

    def sent(self, key: str, preview: bytes, shown: bool) -> None:
        """The chat took the picture, or did not (it waits for the next try unless a newer one took its place)."""
        if not preview:
            return
        self._sending.pop(key, None)
        if shown:
            self.counts.shown += 1
            if self._waiting.get(key) is preview:
                del self._waiting[key]
        elif self._waiting.get(key) is not preview:
            self.counts.dropped += 1

    def end(self, key: str) -> None:
        """The job ended: a picture still waiting was never shown."""
        self._sending.pop(key, None)
        if self._waiting.pop(key, None) is not None:
            self.counts.dropped += 1
