"""DiscordBot: a discord.py client in StationThis's own event loop, its commands synced at start."""
from __future__ import annotations

import asyncio
import logging
import time

import discord

from adapters.chat.commands import ChatCommands
from adapters.discord.address import InteractionTokens
from adapters.discord.autocomplete import Completer
from adapters.discord.buttons import ActionButton
from adapters.discord.commands import build_commands
from adapters.discord.interactions import Interactions
from adapters.discord.notifier import DiscordNotifier
from adapters.discord.render import Renderer
from adapters.discord.tree import StationTree
from ports.media import MediaProcessor

log = logging.getLogger(__name__)
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
FIRST_DELAY, MAX_DELAY = 1.0, 60.0  # seconds between attempts to connect again, doubling...
STEADY = 60.0  # ...until a connection lasts this long


class StationClient(discord.Client):
    def __init__(self, kit: ChatCommands, media: MediaProcessor, web_url: str | None, guild_ids: tuple[int, ...],
                 max_upload_bytes: int):
        # Nobody is pinged by what the bot writes (user text included) unless a message names them itself.
        super().__init__(intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none())
        self.kit, self.guild_ids = kit, guild_ids
        render, tokens = Renderer(kit, media, web_url), InteractionTokens()
        # ActionButton reaches the interactions through the client
        self.interactions = Interactions(kit, render, max_upload_bytes, tokens)
        self.notifier = DiscordNotifier(self, render, self.interactions.open, tokens)
        self.tree = StationTree(self, self.interactions)

    async def setup_hook(self) -> None:
        """At every login (a reconnect logs in again): commands are built and synced the first time only."""
        if not self.notifier.ready.is_set():
            self.add_dynamic_items(ActionButton)
            for command in build_commands(self.kit.registry, self.kit.station.catalogue, Completer(self.kit.station),
                                          self.interactions.command):
                self.tree.add_command(command)
            await self._sync()
        self.notifier.ready.set()

    async def _sync(self) -> None:
        """To each configured guild (instant), else globally (Discord may take a while to show them)."""
        for guild_id in self.guild_ids:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
                log.info("discord: %d commands synced to guild %s", len(synced), guild_id)
            except discord.HTTPException as error:
                log.error("discord: syncing commands to guild %s failed: HTTP %s", guild_id, error.status)
        if not self.guild_ids:
            log.info("discord: %d commands synced globally", len(await self.tree.sync()))


class DiscordBot:
    title = "Discord bot"

    def __init__(self, token: str, client: StationClient, first_delay: float = FIRST_DELAY):
        self.token, self.client, self.first_delay = token, client, first_delay
        self.notifier = client.notifier
        self._task: asyncio.Task | None = None
        self._stopping = False

    def connected(self) -> bool:
        """Logged in with a live gateway connection (discord.py resumes a dropped one; this bot restarts it)."""
        socket = self.client.ws
        return not self.client.is_closed() and socket is not None and socket.open

    async def start(self) -> None:
        """Connect in the background; return once commands are synced. A refused token fails right here."""
        self._task = asyncio.get_running_loop().create_task(self._run())
        self._task.add_done_callback(_report_end)
        ready = asyncio.ensure_future(self.notifier.ready.wait())
        await asyncio.wait({ready, self._task}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        failure = self._task.exception() if self._task.done() and not self._task.cancelled() else None
        if failure is not None:
            raise failure
        if not self.notifier.ready.is_set():
            log.warning("discord: not connected after %gs; still trying in the background", START_TIMEOUT)

    async def stop(self) -> None:
        self._stopping = True
        await self.notifier.close()
        await self.client.close()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=STOP_TIMEOUT)
            self._task.cancel()

    async def _run(self) -> None:
        """Connect; whenever the client gives up (discord.py cannot resume a failed first connection, or some
        close codes), start it again after a growing pause. Only a refused token ends it."""
        delay = self.first_delay
        while not self._stopping:
            began = time.monotonic()
            try:
                async with self.client:
                    await self.client.start(self.token)
            except (discord.LoginFailure, discord.PrivilegedIntentsRequired):
                raise
            except Exception as error:  # any failure of the connection: try again, the process stays up
                log.warning("discord: the connection failed (%s: %s); connecting again in %g s",
                            type(error).__name__, error, delay)
            else:
                if self._stopping:
                    return
                log.warning("discord: the connection ended; connecting again in %g s", delay)
            self.client.clear()
            self.client.http.connector = discord.utils.MISSING  # it closed with the old session; login makes one
            await asyncio.sleep(delay)
            delay = self.first_delay if time.monotonic() - began > STEADY else min(delay * 2, MAX_DELAY)


def _report_end(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("discord: the client stopped: %s", task.exception())

