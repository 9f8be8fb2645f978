"""A gateway websocket (compression as its URL asks, serialised sends) and the session it carries."""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

Encoder = Callable[[str], str | bytes]


def open_encoder(compress: str | None) -> Encoder:
    """One encoder per connection: the stream compressors keep their context across messages."""
    if compress is None:
        return lambda text: text
    if compress == "zlib-stream":
        compressor = zlib.compressobj()
        # Every message ends in a Z_SYNC_FLUSH (00 00 ff ff), which is how clients find message ends.
        return lambda text: compressor.compress(text.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH)
    if compress == "zstd-stream":
        return _zstd_stream()
    raise ValueError(f"unsupported compress={compress!r}")


def _zstd_stream() -> Encoder:
    """discord.py asks for zstd-stream when it can import zstandard or (Python 3.14+) compression.zstd."""
    try:
        import zstandard
    except ImportError:
        from compression import zstd

        compressor = zstd.ZstdCompressor()
        return lambda text: compressor.compress(text.encode(), mode=zstd.ZstdCompressor.FLUSH_BLOCK)
    stream = zstandard.ZstdCompressor().compressobj()
    return lambda text: stream.compress(text.encode()) + stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)


class Connection:
    """One websocket; sends are serialised because the stream compressor and sequence order demand it."""

    def __init__(self, request: web.Request, ws: web.WebSocketResponse, encode: Encoder) -> None:
        self.request, self.ws, self._encode = request, ws, encode
        self._lock = asyncio.Lock()
        self.session: Session | None = None

    async def send(self, payload: dict) -> None:
        async with self._lock:
            frame = self._encode(json.dumps(payload))
            try:
                await (self.ws.send_str(frame) if isinstance(frame, str) else self.ws.send_bytes(frame))
            except ConnectionResetError:
                pass  # gone; dispatches stay in the session history for a RESUME

    def abort(self) -> None:
        if self.request.transport is not None:
            self.request.transport.abort()


@dataclass
class Session:
    """A gateway session: its sequence, every dispatch sent (for replay) and its current connection."""

    id: str
    intents: int
    seq: int = 0
    history: list[dict] = field(default_factory=list)
    connection: Connection | None = None
    ready: bool = False
    resumes: int = 0
    invalidated: bool = False
