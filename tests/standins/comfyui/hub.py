"""The /ws endpoint: sockets by clientId and ComfyUI's ordered publish loop."""
from __future__ import annotations

import asyncio
import contextlib
import json
import uuid

from aiohttp import WSMsgType, web

from .prompt_queue import PromptQueue
from .script import Script

SERVER_FEATURES = {"supports_preview_metadata": True, "max_upload_size": 100 * 1024 * 1024,
                   "extension": {"manager": {"supports_v4": True}}}  # as ComfyUI 0.8.0 answered
TERMINAL_EVENTS = ("execution_success", "execution_error", "execution_interrupted")


class Hub:
    """Sends `{"type", "data"}` frames to one client (sid) or, when sid is None, to every socket."""

    def __init__(self, state: PromptQueue, script: Script):
        self.state, self.script = state, script
        self.sockets: dict[str, web.WebSocketResponse] = {}
        self.transports: dict[web.WebSocketResponse, asyncio.Transport] = {}
        self.messages: asyncio.Queue = asyncio.Queue()
        self.metadata_clients: set[str] = set()  # sids that announced supports_preview_metadata

    def queue_updated(self) -> None:
        self.send_sync("status", {"status": self.state.info()})

    def send_sync(self, event: str, data: dict | bytes, sid: str | None = None) -> None:
        self.messages.put_nowait((event, data, sid))

    async def publish_loop(self) -> None:
        while True:
            event, data, sid = await self.messages.get()
            if self.script.garbage == "ws_never_closes" and _ends_prompt(event, data):
                continue
            await self.send(event, data, sid)

    async def send(self, event: str, data: dict | bytes, sid: str | None = None) -> None:
        """A JSON message, or (`data` bytes) a binary frame as it is."""
        targets = list(self.sockets.values()) if sid is None else [self.sockets[sid]] if sid in self.sockets else []
        for ws in targets:
            try:
                if isinstance(data, bytes):
                    await ws.send_bytes(data)
                else:
                    await ws.send_json({"type": event, "data": data})
            except (ConnectionError, RuntimeError):
                pass

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        sid = request.query.get("clientId", "")
        if sid:
            self.sockets.pop(sid, None)  # the old socket stays open but gets nothing more
        else:
            sid = uuid.uuid4().hex
        self.sockets[sid] = ws
        self.transports[ws] = request.transport
        try:
            await self.send("status", {"status": self.state.info(), "sid": sid}, sid)
            if self.state.client_id == sid and self.state.last_node_id is not None:
                await self.send("executing", {"node": self.state.last_node_id}, sid)
            first_message = True
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except json.JSONDecodeError:
                    continue
                if first_message and isinstance(data, dict) and data.get("type") == "feature_flags":
                    flags = data.get("data")
                    if isinstance(flags, dict) and flags.get("supports_preview_metadata") and \
                            self.script.preview_metadata:
                        self.metadata_clients.add(sid)
                    await self.send("feature_flags", dict(SERVER_FEATURES), sid)
                first_message = False
        finally:
            # Like ComfyUI, this drops whatever socket now holds the sid, even a newer one.
            self.sockets.pop(sid, None)
            self.transports.pop(ws, None)
            self.metadata_clients.discard(sid)
        return ws

    def drop_all(self) -> None:
        """Cut every socket without a close frame (clients see 1006 abnormal closure)."""
        for transport in list(self.transports.values()):
            if transport is not None:
                transport.abort()

    async def close_all(self, grace: float = 1.0) -> None:
        """Send every socket a 1001 close frame; cut those whose client does not answer within `grace`."""
        closing = [ws.close(code=1001, message=b"Server shutting down") for ws in list(self.transports)]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*closing, return_exceptions=True), grace)
        self.drop_all()


def _ends_prompt(event: str, data: dict | bytes) -> bool:
    return event in TERMINAL_EVENTS or (event == "executing" and data.get("node") is None)
