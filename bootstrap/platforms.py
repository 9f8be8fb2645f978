"""The faces as Resources: one chat kit, the web server and each configured bot, each started and stopped."""
from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from adapters.chat.commands import ChatCommands
from bootstrap.config import Config
from bootstrap.discord import discord_bot
from bootstrap.telegram import telegram_bot, telegram_bot_name
from bootstrap.web import web_interface

PLATFORM_TITLES = {"web": "web interface", "telegram": "Telegram bot", "discord": "Discord bot"}


def enabled_platforms(config: Config) -> list[str]:
    """The Resources this configuration starts, in starting order: the web always, a bot where its token is set."""
    return ["web"] + ["telegram"] * bool(config.telegram_token) + ["discord"] * bool(config.discord_token)


class Platforms(containers.DeclarativeContainer):
    """Driving adapters. Each Resource builds its platform, registers its notifier, starts it; shutdown stops it."""

    config: providers.Dependency[Any] = providers.Dependency()
    infra = providers.DependenciesContainer()
    use_cases = providers.DependenciesContainer()
    chat_kit = providers.Singleton(ChatCommands, use_cases.station, config.provided.web_public_url,
                                   config.provided.points_help)
    telegram_name = providers.Coroutine(telegram_bot_name, config)
    web = providers.Resource(web_interface, config, use_cases.station, infra.notifier, infra.webhooks, telegram_name)
    telegram = providers.Resource(telegram_bot, config, chat_kit, infra.media, infra.notifier, infra.webhooks,
                                  infra.storage.provided.status_messages, infra.connections)
    discord = providers.Resource(discord_bot, config, chat_kit, infra.media, infra.notifier, infra.connections)
