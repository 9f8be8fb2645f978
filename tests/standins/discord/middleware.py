"""Cross-cutting HTTP behaviour: Discord's JSON errors, bot-token auth, traffic log and injected 429s."""

from __future__ import annotations

import fnmatch
import json
import time
from dataclasses import dataclass

from aiohttp import web

API_PREFIX = "/api/v10"
# Routes authenticated by the interaction token in their path instead of the bot token.
TOKEN_IN_PATH = ("/interactions/", "/webhooks/")


def json_response(data, status: int = 200, headers: dict | None = None) -> web.Response:
    """JSON with Content-Type exactly "application/json", as Discord sends and discord.py compares."""
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


class DiscordError(Exception):
    """An API error answered as Discord does: an HTTP status and a JSON body with a numeric code."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message = status, code, message


@dataclass
class _Fault:
    pattern: str
    times: int
    retry_after: float
    status: int = 429


class RateLimitFaults:
    """Answers the next matching requests with 429 (carrying the headers discord.py reads) or a server error."""

    def __init__(self) -> None:
        self._pending: list[_Fault] = []
        self.hits: list[str] = []

    def fail_next(self, route_pattern: str, times: int = 1, retry_after: float = 0.2, status: int = 429) -> None:
        """`route_pattern`: a glob over "METHOD /path" below /api/v10 ("*" also spans "/"); no method: any."""
        self._pending.append(_Fault(route_pattern, times, retry_after, status))

    def _take(self, route: str) -> _Fault | None:
        for fault in self._pending:
            method_pattern = fault.pattern if " " in fault.pattern else f"* {fault.pattern}"
            if fnmatch.fnmatchcase(route, method_pattern):
                fault.times -= 1
                if fault.times == 0:
                    self._pending.remove(fault)
                return fault
        return None

    @web.middleware
    async def middleware(self, request: web.Request, handler):
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        route = f"{request.method} {request.path[len(API_PREFIX):]}"
        fault = self._take(route)
        if fault is None:
            return await handler(request)
        self.hits.append(route)
        if fault.status != 429:  # a server error, as Discord's edge answers one: nothing was done
            return json_response({"message": f"{fault.status}: Server Error", "code": 0}, status=fault.status)
        body = {"message": "You are being rate limited.", "retry_after": fault.retry_after, "global": False}
        headers = {
            "Retry-After": f"{fault.retry_after:.3f}",
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
            "X-RateLimit-Bucket": "standin-bucket",
            "X-RateLimit-Scope": "user",
            # discord.py treats a 429 without Via as a Cloudflare ban and gives up.
            "Via": "1.1 google",
        }
        return json_response(body, status=429, headers=headers)


def error_and_traffic_middleware(traffic: list[str]):
    """Answers errors with Discord's JSON body ({"message", "code"}) and logs every request with its status."""

    @web.middleware
    async def middleware(request: web.Request, handler):
        try:
            response = await handler(request)
        except DiscordError as error:
            response = json_response({"message": error.message, "code": error.code}, status=error.status)
        except web.HTTPException as error:  # unrouted paths and methods, answered as Discord does
            response = json_response({"message": f"{error.status}: {error.reason}", "code": 0}, status=error.status)
        traffic.append(f"{request.method} {request.path} -> {response.status}")
        return response

    return middleware


def bot_auth_middleware(token: str):
    """Requires `Authorization: Bot <token>` on API routes that are not authenticated by their path."""

    @web.middleware
    async def middleware(request: web.Request, handler):
        path = request.path
        needs_bot = path.startswith(API_PREFIX) and not path[len(API_PREFIX):].startswith(TOKEN_IN_PATH)
        if needs_bot and request.headers.get("Authorization") != f"Bot {token}":
            raise DiscordError(401, 0, "401: Unauthorized")
        return await handler(request)

    return middleware
