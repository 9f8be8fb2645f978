"""DemoWorker: the demo's HTTP and websocket server on 127.0.0.1, its prompt runner, the extension's route."""
from __future__ import annotations

import asyncio
import socket

from aiohttp import web

from adapters.comfyui.demo.executor import run_prompts
from adapters.comfyui.demo.files import DemoFiles
from adapters.comfyui.demo.prompts import PromptQueue
from adapters.comfyui.demo.routes import demo_routes
from adapters.comfyui.demo.sockets import Sockets
from adapters.comfyui.worker_extension.handler import add_routes as add_extension_routes

STEP_DELAY_S = 0.02  # one sampling or training step: 20 steps take under half a second, 200 training steps 4 s


class DemoWorker:
    """Serves until `stop`; its files live in a temporary folder that `stop` removes. `secret` is the shared
    secret its worker extension checks, as COMFYUI_SHARED_SECRET is on a real worker."""

    def __init__(self, secret: str, step_delay: float = STEP_DELAY_S, port: int = 0):
        self.secret, self.step_delay, self.port = secret, step_delay, port
        self.files = DemoFiles()
        self._runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._sockets: Sockets | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.files.create()
        sockets = Sockets(lambda: queue.remaining())
        queue = PromptQueue(on_change=sockets.status)
        routes = demo_routes(queue, sockets, self.files)
        add_extension_routes(routes, self.files.models_dir, lambda: self.secret)
        app = web.Application(client_max_size=1024**3)
        app.add_routes(routes)
        listener = socket.create_server(("127.0.0.1", self.port))
        self.port = listener.getsockname()[1]
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, listener).start()
        self._sockets = sockets
        self._tasks = [asyncio.create_task(sockets.publish()),
                       asyncio.create_task(run_prompts(queue, sockets, self.files, self.step_delay))]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._sockets is not None:
            await self._sockets.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner, self._tasks, self._sockets = None, [], None
        self.files.remove()

    async def __aenter__(self) -> DemoWorker:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
