"""The gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, and connection faults."""

from __future__ import annotations

import json
import uuid

from aiohttp import WSMsgType, web

from .connection import Connection, Session, open_encoder
from .state import World

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 7, 9, 10, 11
ACCEPTED_UNMODELLED = {3, 4, 8}  # presence update, voice state update, request guild members
GUILDS_INTENT = 1 << 0


class Gateway:
    def __init__(self, world: World, heartbeat_interval: float) -> None:
        self.world = world
        self.heartbeat_interval = heartbeat_interval
        self.sessions: list[Session] = []
        self.connections: set[Connection] = set()
        self.refusals: list[int] = []  # close codes for the next connections, each closed right after HELLO

    @property
    def url(self) -> str:
        return self.world.base_url.replace("http://", "ws://", 1) + "/"

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.world.traffic.append(f"gateway connect ?{request.query_string}")
        if request.query.get("v") != "10":
            await ws.close(code=4012, message=b"Invalid API version")
            return ws
        if request.query.get("encoding", "json") != "json":
            await ws.close(code=4002, message=b"Decode error")
            return ws
        conn = Connection(request, ws, open_encoder(request.query.get("compress")))
        self.connections.add(conn)
        try:
            await conn.send({"op": HELLO, "s": None, "t": None,
                             "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}})
            if self.refusals:
                await ws.close(code=self.refusals.pop(0), message=b"stand-in: connection refused")
                return ws
            async for message in ws:
                try:
                    payload = json.loads(message.data) if message.type == WSMsgType.TEXT else None
                except ValueError:
                    payload = None
                if not isinstance(payload, dict):
                    await ws.close(code=4002, message=b"Decode error")
                    break
                await self._receive(conn, payload)
        finally:
            self.connections.discard(conn)
            session = conn.session
            if session is not None and session.connection is conn:
                session.connection = None
                # Closing with 1000 or 1001 ends the session; any other close keeps it resumable.
                session.invalidated = ws.close_code in (1000, 1001)
        return ws

    async def _receive(self, conn: Connection, payload: dict) -> None:
        op, data = payload.get("op"), payload.get("d")
        self.world.traffic.append(f"gateway <- op {op}")
        if op == HEARTBEAT:
            await conn.send({"op": HEARTBEAT_ACK})
        elif op in (IDENTIFY, RESUME) and conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated")
        elif op in (IDENTIFY, RESUME) and (data or {}).get("token") != self.world.token:
            await conn.ws.close(code=4004, message=b"Authentication failed")
        elif op == IDENTIFY:
            await self._identify(conn, data)
        elif op == RESUME:
            await self._resume(conn, data)
        elif conn.session is None:
            await conn.ws.close(code=4003, message=b"Not authenticated")
        elif op not in ACCEPTED_UNMODELLED:
            await conn.ws.close(code=4001, message=b"Unknown opcode")

    async def _identify(self, conn: Connection, data: dict) -> None:
        session = Session(id=uuid.uuid4().hex, intents=data.get("intents", 0), connection=conn)
        conn.session = session
        self.sessions.append(session)
        guild_ids = list(self.world.guild_channels)
        ready = {
            "v": 10, "user": self.world.bot_user, "session_id": session.id, "resume_gateway_url": self.url,
            "guilds": [{"id": guild_id, "unavailable": True} for guild_id in guild_ids],
            "application": {"id": self.world.application_id, "flags": 0},
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        await self._send_event(session, "READY", ready)
        if session.intents & GUILDS_INTENT:
            for guild_id in guild_ids:
                await self._send_event(session, "GUILD_CREATE", self.world.guild_create(guild_id))
        session.ready = True

    async def _resume(self, conn: Connection, data: dict) -> None:
        session = next((s for s in self.sessions if s.id == data.get("session_id") and not s.invalidated), None)
        if session is None:
            await conn.send({"op": INVALID_SESSION, "d": False})
            return
        if session.connection is not None:  # a stale connection the client gave up on
            stale, session.connection = session.connection, None
            stale.abort()
        conn.session = session
        replayed = next((i for i, p in enumerate(session.history) if p["s"] > (data.get("seq") or 0)),
                        len(session.history))
        while replayed < len(session.history):  # also picks up what is dispatched while replaying
            await conn.send(session.history[replayed])
            replayed += 1
        session.connection = conn
        session.resumes += 1
        await self._send_event(session, "RESUMED", {})

    async def _send_event(self, session: Session, event: str, data: dict) -> None:
        session.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.history.append(payload)
        self.world.traffic.append(f"gateway -> {event} s={session.seq}")
        if session.connection is not None:
            await session.connection.send(payload)

    async def dispatch(self, event: str, data: dict) -> None:
        """Sends to every live session; a disconnected one keeps the event for its RESUME."""
        sessions = [s for s in self.sessions if not s.invalidated]
        if not sessions:
            raise AssertionError(f"no bot session on the stand-in gateway to receive {event}")
        for session in sessions:
            await self._send_event(session, event, data)

    async def drop(self, code: int | None = None) -> None:
        """Cuts every connection (code None: as a network failure would) without ending the sessions."""
        for conn in list(self.connections):
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            if code is None:
                conn.abort()
            else:
                await conn.ws.close(code=code)

    async def send_reconnect(self) -> None:
        """Op 7: asks every connected client to reconnect and resume."""
        for conn in list(self.connections):
            await conn.send({"op": RECONNECT, "d": None})

    async def close(self) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"stand-in shutting down")
