"""Attempts per minute: sign-in codes, link codes and token creation, counted per client address and identity."""
from __future__ import annotations

import math
from collections import OrderedDict, deque

from domain.errors import DomainError
from ports.clock import Clock

ATTEMPTS = 10
WINDOW_S = 60.0
MAX_KEYS = 100_000


class TooManyAttempts(DomainError):
    def __init__(self, retry_after: int):
        super().__init__(f"Too many attempts: please wait {retry_after} seconds, then try again.")
        self.retry_after = retry_after


class RateLimiter:
    """At most `attempts` per key in any `window_s` seconds, counted in this process's memory."""

    def __init__(self, clock: Clock, attempts: int = ATTEMPTS, window_s: float = WINDOW_S, max_keys: int = MAX_KEYS):
        self.clock, self.attempts, self.window_s, self.max_keys = clock, attempts, window_s, max_keys
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def hit(self, *keys: str | None) -> None:
        """Count one attempt against each key (None: not known); TooManyAttempts if any key has used its share."""
        now, counted = self.clock.now(), [key for key in keys if key]
        wait = max((self._wait(key, now) for key in counted), default=0.0)
        if wait > 0:
            raise TooManyAttempts(math.ceil(wait))
        for key in counted:
            self._seen.setdefault(key, deque()).append(now)
            self._seen.move_to_end(key)
        while len(self._seen) > self.max_keys:
            self._seen.popitem(last=False)

    def _wait(self, key: str, now: float) -> float:
        times = self._seen.get(key)
        if times is None:
            return 0.0
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times[0] + self.window_s - now if len(times) >= self.attempts else 0.0
