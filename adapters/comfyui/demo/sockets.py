"""The demo worker's /ws: one socket per clientId, messages sent in the order they were made."""
from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import web


class Sockets:
    """`send(type, data, client_id)` goes to that client's socket, or to every socket when client_id is None."""

    def __init__(self, remaining: Callable[[], int]):
        self._remaining = remaining  # prompts waiting or running, for `status` messages
        self.clients: dict[str, web.WebSocketResponse] = {}
        self._outbox: asyncio.Queue[tuple[str, dict[str, Any], str | None]] = asyncio.Queue()

    def send(self, kind: str, data: dict[str, Any], client_id: str | None = None) -> None:
        self._outbox.put_nowait((kind, data, client_id))

    def status(self) -> None:
        self.send("status", self._status())

    def _status(self) -> dict[str, Any]:
        return {"status": {"exec_info": {"queue_remaining": self._remaining()}}}

    async def publish(self) -> None:
        while True:
            kind, data, client_id = await self._outbox.get()
            targets = list(self.clients.values()) if client_id is None else \
                [self.clients[client_id]] if client_id in self.clients else []
            for socket in targets:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await socket.send_json({"type": kind, "data": data})

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Greets with `status` and the client's sid; what a client sends is read and ignored."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        client_id = request.query.get("clientId") or uuid.uuid4().hex
        self.clients[client_id] = socket
        try:
            self.send("status", {**self._status(), "sid": client_id}, client_id)
            async for _ in socket:
                pass
        finally:
            if self.clients.get(client_id) is socket:
                del self.clients[client_id]
        return socket

    async def close(self) -> None:
        for socket in list(self.clients.values()):
            with contextlib.suppress(ConnectionError, RuntimeError):
                await socket.close(code=1001, message=b"Server shutting down")
        self.clients.clear()
