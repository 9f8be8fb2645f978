"""DiscordStandin: the aiohttp server on 127.0.0.1 and the API tests drive and inspect it with."""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web

from .connection import Session
from .gateway import Gateway
from .interactions import InteractionRecord
from .messages import Message
from .middleware import (
    API_PREFIX,
    RateLimitFaults,
    bot_auth_middleware,
    error_and_traffic_middleware,
)
from .rest import BotRoutes
from .script import UserActions
from .state import MIB, World
from .webhooks import InteractionWebhooks


class DiscordStandin(UserActions):
    """`async with DiscordStandin(guild_ids=[...]) as dc:` serves Discord's REST API and gateway.

    Ids are strings, as on the wire. Times are seconds: `heartbeat_interval` (op 10), `response_deadline`
    (to answer an interaction callback, Discord's 3 s) and `token_lifetime` (interaction webhooks, 15 min).
    """

    opened: list[DiscordStandin] = []  # every stand-in started in this process, for checks after a test

    def __init__(self, guild_ids: Iterable[int | str] | None = None, *, token: str = "standin-bot-token",
                 heartbeat_interval: float = 1.0, response_deadline: float = 3.0, token_lifetime: float = 900.0,
                 attachment_size_limit: int = 10 * MIB) -> None:
        ids = [str(g) for g in guild_ids] if guild_ids is not None else None  # None: one generated guild
        self.world = World(token=token, guild_ids=ids, attachment_size_limit=attachment_size_limit)
        self.gateway = Gateway(self.world, heartbeat_interval)
        self.faults = RateLimitFaults()
        self._routes = (BotRoutes(self.world, self.gateway),
                        InteractionWebhooks(self.world, answer_within=response_deadline, token_lifetime=token_lifetime))
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> DiscordStandin:
        middlewares = [error_and_traffic_middleware(self.world.traffic), self.faults.middleware,
                       bot_auth_middleware(self.token)]
        # A large client_max_size lets oversized uploads reach Discord's 413 JSON rather than aiohttp's.
        app = web.Application(client_max_size=1024 * MIB, middlewares=middlewares)
        app.router.add_get("/", self.gateway.handle)
        for routes in self._routes:
            routes.add_routes(app, API_PREFIX)
        app.on_shutdown.append(lambda _: self.gateway.close())
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.world.base_url = f"http://{host}:{port}"
        DiscordStandin.opened.append(self)
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self._runner.cleanup()

    # -- addresses and identity -------------------------------------------------------------------
    @property
    def token(self) -> str:
        """The bot token discord.py must log in with."""
        return self.world.token

    @property
    def url(self) -> str:
        """The base URL; discord.py's REST base is `{url}/api/v10`."""
        return self.world.base_url

    @property
    def gateway_url(self) -> str:
        return self.gateway.url

    @property
    def application_id(self) -> str:
        return self.world.application_id

    @property
    def bot_user(self) -> dict:
        return self.world.bot_user

    @property
    def guild_ids(self) -> list[str]:
        return list(self.world.guild_channels)

    def guild_channel_id(self, guild_id: int | str | None = None) -> str:
        """The text channel of `guild_id` (default: the first guild)."""
        return self.world.guild_channels[str(guild_id) if guild_id else self.guild_ids[0]]

    def new_user(self, username: str) -> dict:
        """Another human user, to pass as `user=` to the user_* actions."""
        return self.world.add_user(username)

    # -- what the bot did -------------------------------------------------------------------------
    def commands(self, guild_id: int | str | None = None) -> list[dict]:
        """The commands the bot registered globally, or for `guild_id`."""
        return self.world.commands.get(str(guild_id) if guild_id else None, [])

    @property
    def interactions(self) -> list[InteractionRecord]:
        return list(self.world.interactions.values())

    def messages(self, channel_id: int | str | None = None) -> list[Message]:
        """Every message the bot created (optionally in one channel), in order."""
        return [m for m in self.world.messages.values() if channel_id is None or m.channel_id == str(channel_id)]

    def dm_messages(self, user: dict) -> list[Message]:
        channel_id = self.world.dm_channels.get(user["id"])
        return self.messages(channel_id) if channel_id else []

    @property
    def traffic(self) -> list[str]:
        """One line per REST request ("METHOD /path -> status") and gateway payload."""
        return self.world.traffic

    # -- gateway ------------------------------------------------------------------------------------
    @property
    def sessions(self) -> list[Session]:
        return self.gateway.sessions

    async def wait_until_ready(self, timeout: float = 10.0) -> Session:
        """Waits for a connected session that got READY and its GUILD_CREATEs; returns the newest."""
        return await self.wait_for(
            lambda: next((s for s in reversed(self.sessions) if s.ready and s.connection), None), timeout)

    async def drop_gateway(self, code: int | None = None) -> None:
        """Cuts the gateway connection; None aborts TCP like a network failure, an int sends that close code."""
        await self.gateway.drop(code)

    def refuse_next_connections(self, times: int = 1, code: int = 4000) -> None:
        """The next `times` gateway connections are closed with `code` right after HELLO, before any READY."""
        self.gateway.refusals.extend([code] * times)

    async def send_reconnect(self) -> None:
        await self.gateway.send_reconnect()

    # -- faults and waiting -------------------------------------------------------------------------
    def fail_next(self, route_pattern: str, times: int = 1, retry_after: float = 0.2, status: int = 429) -> None:
        """Answers the next `times` requests matching the glob "METHOD /path" (below /api/v10) with 429, or with
        `status` (a server error such as 502) having done nothing."""
        self.faults.fail_next(route_pattern, times, retry_after, status)

    @property
    def rate_limited(self) -> list[str]:
        """The "METHOD /path" of every request answered with an injected 429."""
        return self.faults.hits

    async def wait_for(self, predicate, timeout: float = 10.0):
        """Polls `predicate()` until truthy and returns it; AssertionError listing recent traffic on timeout."""
        return await self.world.wait_for(predicate, timeout)
