"""The Discord bot as a Resource, started when DISCORD_BOT_TOKEN is set."""
from __future__ import annotations

from collections.abc import AsyncIterator

from adapters.chat.commands import ChatCommands
from adapters.chat.connections import PlatformConnections
from adapters.chat.notifier_router import NotifierRouter
from bootstrap.config import Config
from ports.media import MediaProcessor


async def discord_bot(config: Config, kit: ChatCommands, media: MediaProcessor, router: NotifierRouter,
                      connections: PlatformConnections) -> AsyncIterator[object]:
    from adapters.discord.client import DiscordBot, StationClient

    client = StationClient(kit, media, config.web_public_url, config.discord_guild_ids, config.max_upload_bytes)
    bot = DiscordBot(config.discord_token or "", client)
    router.register("discord", bot.notifier)
    connections.add("discord", bot.connected, bot.notifier.previews)
    try:
        await bot.start()
        yield bot
    finally:
        connections.remove("discord")
        await bot.stop()
