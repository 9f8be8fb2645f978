"""Bot-token REST routes: gateway discovery, identity, command registration, messages, DMs and the CDN."""

from __future__ import annotations

from aiohttp import web

from .gateway import Gateway
from .messages import EPHEMERAL
from .middleware import DiscordError, json_response
from .state import World
from .uploads import read_message_body


class BotRoutes:
    def __init__(self, world: World, gateway: Gateway) -> None:
        self.world, self.gateway = world, gateway

    def add_routes(self, app: web.Application, prefix: str) -> None:
        router = app.router
        router.add_get(prefix + "/gateway/bot", self.gateway_bot)
        router.add_get(prefix + "/users/@me", self.me)
        router.add_get(prefix + "/oauth2/applications/@me", self.application)
        for path in ("/applications/{application_id}/commands",
                     "/applications/{application_id}/guilds/{guild_id}/commands"):
            router.add_get(prefix + path, self.get_commands)
            router.add_put(prefix + path, self.put_commands)
        router.add_post(prefix + "/users/@me/channels", self.open_dm)
        router.add_post(prefix + "/channels/{channel_id}/messages", self.create_message)
        router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self.download)

    async def gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        return json_response({"url": self.gateway.url, "shards": 1, "session_start_limit": limit})

    async def me(self, request: web.Request) -> web.Response:
        return json_response(self.world.bot_user | {"verified": True, "mfa_enabled": False, "flags": 0})

    async def application(self, request: web.Request) -> web.Response:
        world = self.world
        return json_response({
            "id": world.application_id, "name": "standin-app", "icon": None, "description": "", "summary": "",
            "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": 0,
            "owner": world.default_user, "bot": world.bot_user, "team": None, "interactions_endpoint_url": None,
            "integration_types_config": {"0": {}},
        })

    def _scope(self, request: web.Request) -> str | None:
        if request.match_info["application_id"] != self.world.application_id:
            raise DiscordError(403, 20012, "You are not authorized to perform this action on this application")
        guild_id = request.match_info.get("guild_id")
        if guild_id is not None and guild_id not in self.world.guild_channels:
            raise DiscordError(403, 50001, "Missing Access")
        return guild_id

    async def get_commands(self, request: web.Request) -> web.Response:
        return json_response(self.world.commands.get(self._scope(request), []))

    async def put_commands(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        return json_response(self.world.put_commands(scope, await request.json()))

    async def open_dm(self, request: web.Request) -> web.Response:
        body = await request.json()
        return json_response(self.world.open_dm(str(body.get("recipient_id"))))

    async def create_message(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel_id"]
        if channel_id not in self.world.channels:
            raise DiscordError(404, 10003, "Unknown Channel")
        body, uploads = await read_message_body(request, self.world, channel_id, self.world.attachment_size_limit)
        body["flags"] = (body.get("flags") or 0) & ~EPHEMERAL  # only interaction messages can be ephemeral
        message = self.world.add_message(channel_id, self.world.bot_user, body, uploads)
        return json_response(message.payload())

    async def download(self, request: web.Request) -> web.Response:
        attachment = self.world.attachments.get(request.match_info["attachment_id"])
        if attachment is None or attachment.filename != request.match_info["filename"]:
            raise web.HTTPNotFound()
        return web.Response(body=attachment.data, content_type=attachment.content_type or "application/octet-stream")
