"""Bot API error answers in Telegram's wording, and the rate-limit faults tests switch on."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass

EDIT_METHODS = ("editMessageText", "editMessageCaption", "editMessageReplyMarkup")


class ApiError(Exception):
    """A failed Bot API call: HTTP status, Telegram's description and optional ResponseParameters."""

    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict:
        body = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


@dataclass(frozen=True)
class FloodRule:
    """More than `max_calls` of `methods` in one chat within `per_seconds` answers 429."""

    max_calls: int
    per_seconds: float
    methods: frozenset[str]
    retry_after: int


class Faults:
    """Queued one-off 429s per method and the optional per-chat flood rule."""

    def __init__(self) -> None:
        self._queued: dict[str, list[int]] = defaultdict(list)
        self._recent: dict[object, deque[float]] = defaultdict(deque)
        self.flood: FloodRule | None = None

    def fail_next(self, method: str, times: int, retry_after: int) -> None:
        self._queued[method.lower()].extend([retry_after] * times)

    def limit_rate(self, rule: FloodRule | None) -> None:
        self.flood = rule
        self._recent.clear()

    def check(self, method: str, chat_id: object) -> None:
        """Raise the 429 a queued fault or the flood rule calls for; count the call otherwise."""
        queued = self._queued.get(method.lower())
        if queued:
            raise too_many_requests(queued.pop(0))
        rule = self.flood
        if rule is None or method.lower() not in rule.methods:
            return
        now = time.monotonic()
        recent = self._recent[str(chat_id)]
        while recent and now - recent[0] >= rule.per_seconds:
            recent.popleft()
        if len(recent) >= rule.max_calls:
            raise too_many_requests(rule.retry_after)
        recent.append(now)
