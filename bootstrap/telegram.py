"""The Telegram bot as a platform, started when TELEGRAM_BOT_TOKEN is set."""
from __future__ import annotations

import hashlib
import hmac
import logging

from bootstrap.config import Config

# Loggers that print Bot API URLs, which contain the token: httpx at INFO, python-telegram-bot at DEBUG.
URL_LOGGERS = ("httpx", "telegram.ext.ExtBot", "telegram.Bot")


class RedactToken(logging.Filter):
    """Writes <token> where a record would show the bot token."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), None
        return True


def platform(config: Config, container):
    if not config.telegram_token:
        return None
    from adapters.chat.commands import ChatCommands
    from adapters.telegram.bot import TelegramBot

    for name in URL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactToken) and f.token == config.telegram_token for f in logger.filters):
            logger.addFilter(RedactToken(config.telegram_token))
    commands = ChatCommands(container.use_cases.station(), container.infra.blobs(), config.web_public_url)
    bot = TelegramBot(config.telegram_token, commands, container.infra.media(), config.max_upload_bytes,
                      api_url=config.telegram_api_base_url, webhooks=container.infra.webhooks(),
                      webhook_url=config.telegram_webhook_url,
                      webhook_secret=webhook_secret(config) if config.telegram_webhook_url else None)
    container.infra.notifier().register("telegram", bot.notifier)
    return bot


def webhook_secret(config: Config) -> str:
    """The X-Telegram-Bot-Api-Secret-Token: derived from the web's secret key, so every process agrees on it."""
    from bootstrap.web import secret_key

    message = f"telegram-webhook:{config.telegram_token}".encode()
    return hmac.new(secret_key(config).encode(), message, hashlib.sha256).hexdigest()
