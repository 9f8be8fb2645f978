"""The Discord bot as a platform, started when DISCORD_BOT_TOKEN is set."""
from __future__ import annotations

from bootstrap.config import Config


def platform(config: Config, container):
    if not config.discord_token:
        return None
    from adapters.chat.commands import ChatCommands
    from adapters.discord.client import DiscordBot, StationClient

    commands = ChatCommands(container.use_cases.station(), container.infra.blobs(), config.web_public_url)
    client = StationClient(commands, container.infra.media(), config.web_public_url, config.discord_guild_ids,
                           config.max_upload_bytes)
    bot = DiscordBot(config.discord_token, client, api_base_url=config.discord_api_base_url)
    container.infra.notifier().register("discord", bot.notifier)
    return bot
