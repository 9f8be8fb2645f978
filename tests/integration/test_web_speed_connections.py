"""The web server lets go of keep-alive connections that browsers closed, instead of keeping them for long."""
from __future__ import annotations

import asyncio
import sys

import pytest
from quart import Quart

from adapters.web.server import KEEP_ALIVE_S, WebServer
from tests.bounded import bounded

CLIENTS = 20
CLOSE_WAIT, LISTEN = "08", "0A"  # /proc/net/tcp's states: the peer has closed and we have not; listening


def sockets(port: int, state: str) -> int:
    """How many sockets on this local port are in `state` (Linux's /proc)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, found = line.split()[1], line.split()[3]
            count += int(local.rsplit(":", 1)[1], 16) == port and found == state
    return count


async def one_request_then_close(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    await reader.readexactly(int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0]))
    writer.close()
    await writer.wait_closed()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads socket states from Linux's /proc")
@bounded(KEEP_ALIVE_S + 15)
async def test_connections_closed_by_browsers_are_let_go_within_the_keep_alive_time():
    app = Quart(__name__)
    app.get("/livez")(lambda: "ok")
    server = WebServer(app, "127.0.0.1", 0)
    await server.start()
    try:
        await asyncio.gather(*(one_request_then_close(server.port) for _ in range(CLIENTS)))
        assert sockets(server.port, LISTEN) == 1  # what /proc shows is this server's
        gone_by = asyncio.get_running_loop().time() + KEEP_ALIVE_S + 2
        while asyncio.get_running_loop().time() < gone_by and sockets(server.port, CLOSE_WAIT):
            await asyncio.sleep(0.1)
        assert sockets(server.port, CLOSE_WAIT) == 0
    finally:
        await server.stop()
