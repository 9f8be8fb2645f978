"""Serve the app with hypercorn inside the running event loop; stop it gracefully."""
from __future__ import annotations

import asyncio
import logging
import socket

from hypercorn.asyncio import serve
from hypercorn.config import Config

log = logging.getLogger(__name__)
GRACE_S = 3.0
# How long an idle keep-alive connection is kept. Hypercorn's HTTP/1.1 protocol does not notice a client closing
# a connection between requests: the connection, its tasks and its socket (in CLOSE_WAIT) stay until this runs
# out. At 75 s, a busy station kept thousands of them, and every full garbage collection walked them all (a pause
# of 50-70 ms every 2 s under bench/web.py's load, against ~8 ms at 5 s). 5 s is hypercorn's own default.
KEEP_ALIVE_S = 5.0


class CannotListen(OSError):
    """The address is taken, not ours, or not an address; the message says which."""


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=256)
    except OSError as error:
        reason = (error.strerror or str(error)).split(" (while attempting")[0]
        raise CannotListen(f"the web interface cannot listen on {host}:{port}: {reason}") from None


class WebServer:
    """Binds first (so a taken port fails `start` with a clear error), then serves until `stop`."""

    def __init__(self, app, host: str, port: int):
        self.app, self.host, self.port = app, host, port
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        sock = listening_socket(self.host, self.port)
        self.port = sock.getsockname()[1]
        config = Config()
        config.bind = [f"fd://{sock.detach()}"]
        config.graceful_timeout = GRACE_S
        config.errorlog = logging.getLogger("hypercorn.error")
        config.accesslog = None
        config.keep_alive_timeout = KEEP_ALIVE_S
        config.include_server_header = False  # no software name and version for a visitor to look up
        self._stop.clear()
        self._task = asyncio.get_running_loop().create_task(
            serve(self.app, config, shutdown_trigger=self._stop.wait))
        self._task.add_done_callback(_report)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stop.set()
        _, pending = await asyncio.wait({self._task}, timeout=GRACE_S + 2)
        for task in pending:
            task.cancel()
        self._task = None


def _report(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the web server stopped: %s", task.exception())
