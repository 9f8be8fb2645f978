"""The HTTP face: /bot<token>/<method> and /file/bot<token>/<path> routes, recording every call."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from . import methods_bot, methods_edit, methods_send, methods_webhook
from .faults import ApiError
from .params import Params, read_request
from .records import Call
from .state import World

Handler = Callable[[World, Params], Awaitable[Any]]
MAX_REQUEST_BYTES = 64 * 1024 * 1024  # above the 50 MB upload limit, so that limit answers in Telegram's words
# "All methods in the Bot API are case-insensitive."
METHODS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, handler)
    for table in (methods_bot.METHODS, methods_send.METHODS, methods_edit.METHODS, methods_webhook.METHODS)
    for name, handler in table.items()
}


def build_app(world: World) -> web.Application:
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app.router.add_route("*", "/bot{token}/{method}", _method_route(world))
    app.router.add_get("/file/bot{token}/{path:.+}", _file_route(world))
    return app


def _method_route(world: World) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def answer(request: web.Request) -> web.Response:
        arrived = time.time()
        token, asked = request.match_info["token"], request.match_info["method"]
        method, handler = METHODS.get(asked.lower(), (asked, None))
        params, files = await read_request(request)
        try:
            world.accept_token(token)
            if handler is None:
                raise ApiError(501, f"Not Implemented: the Telegram stand-in does not implement {asked}")
            world.faults.check(method, params.get("chat_id"))
            body, status = {"ok": True, "result": await handler(world, Params(params, files))}, 200
        except ApiError as error:
            body, status = error.body(), error.code
        world.calls.append(Call(method, params, files, arrived, token, status, body))
        world.notify()
        late = world.faults.delay(method) if status == 200 else 0.0
        if late:
            await asyncio.sleep(late)  # done, but the answer comes too late for a client's read timeout
        return web.json_response(body, status=status)

    return answer


def _file_route(world: World) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def download(request: web.Request) -> web.Response:
        try:
            world.accept_token(request.match_info["token"])
        except ApiError as error:
            return web.json_response(error.body(), status=error.code)
        stored = world.files.at_path(request.match_info["path"])
        if stored is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    return download
