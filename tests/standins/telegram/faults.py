"""Bot API error answers in Telegram's wording, and the rate-limit faults tests switch on."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass

EDIT_METHODS = ("editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup")
# Every method that writes into a chat, as Telegram's per-chat flood limits count them.
CHAT_METHODS = ("sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "deleteMessage", *EDIT_METHODS)
SERVER_ERRORS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


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


BLOCKABLE = {m.lower() for m in CHAT_METHODS} | {"sendchataction"}


@dataclass(frozen=True)
class FloodRule:
    """More than `max_calls` of `methods` in one chat within `per_seconds` answers 429."""

    max_calls: int
    per_seconds: float
    methods: frozenset[str]
    retry_after: int


class Faults:
    """Queued one-off faults per method (429s, server errors, slow answers), chats that blocked the bot, and the
    optional per-chat flood rule."""

    def __init__(self) -> None:
        self._queued: dict[str, list[int]] = defaultdict(list)
        self._broken: dict[str, list[int]] = defaultdict(list)
        self._slow: dict[str, list[float]] = defaultdict(list)
        self._recent: dict[object, deque[float]] = defaultdict(deque)
        self.flood: FloodRule | None = None
        self.blocked: set[int] = set()

    def fail_next(self, method: str, times: int, retry_after: int) -> None:
        self._queued[method.lower()].extend([retry_after] * times)

    def break_next(self, method: str, times: int, status: int) -> None:
        self._broken[method.lower()].extend([status] * times)

    def slow_next(self, method: str, times: int, seconds: float) -> None:
        self._slow[method.lower()].extend([seconds] * times)

    def delay(self, method: str) -> float:
        """Seconds to hold the answer to this call back (it is carried out first, as a slow server would)."""
        waiting = self._slow.get(method.lower())
        return waiting.pop(0) if waiting else 0.0

    def limit_rate(self, rule: FloodRule | None) -> None:
        self.flood = rule
        self._recent.clear()

    def check(self, method: str, chat_id: object) -> None:
        """Raise the error a queued fault, a block or the flood rule calls for; count the call otherwise."""
        broken = self._broken.get(method.lower())
        if broken:
            status = broken.pop(0)
            raise ApiError(status, SERVER_ERRORS.get(status, "Server Error"))
        queued = self._queued.get(method.lower())
        if queued:
            raise too_many_requests(queued.pop(0))
        if method.lower() in BLOCKABLE and str(chat_id).lstrip("-").isdigit() and int(str(chat_id)) in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
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
