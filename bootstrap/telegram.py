"""The Telegram bot as a Resource, started when TELEGRAM_BOT_TOKEN is set."""
from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import AsyncIterator

import httpx

from adapters.chat.commands import ChatCommands
from adapters.chat.connections import PlatformConnections
from adapters.chat.notifier_router import NotifierRouter
from adapters.chat.webhooks import WebhookRoutes
from bootstrap.config import Config
from bootstrap.web import secret_key
from ports.media import MediaProcessor
from ports.notifier import StatusMessages

# Loggers that print Bot API URLs, which contain the token: httpx at INFO, python-telegram-bot at DEBUG.
log = logging.getLogger("stationthis.telegram")
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


def protect_logs(token: str) -> None:
    """Keep the token out of every log line that could show a Bot API URL, from the first request on."""
    for name in URL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactToken) and f.token == token for f in logger.filters):
            logger.addFilter(RedactToken(token))


async def telegram_bot(config: Config, kit: ChatCommands, media: MediaProcessor, router: NotifierRouter,
                       webhooks: WebhookRoutes, status_messages: StatusMessages,
                       connections: PlatformConnections) -> AsyncIterator[object]:
    from adapters.telegram.bot import TelegramBot

    token = config.telegram_token or ""
    protect_logs(token)
    bot = TelegramBot(token, kit, media, config.max_upload_bytes, status_messages,
                      api_url=config.telegram_api_base_url, webhooks=webhooks,
                      webhook_url=config.telegram_webhook_url,
                      webhook_secret=webhook_secret(config) if config.telegram_webhook_url else None)
    router.register("telegram", bot.notifier)
    await bot.start()  # a failed start stops what it began, then raises
    connections.add("telegram", bot.connected, bot.notifier.previews)
    try:
        yield bot
    finally:
        connections.remove("telegram")
        await bot.stop()


def webhook_secret(config: Config) -> str:
    """The X-Telegram-Bot-Api-Secret-Token: derived from the web's secret key, so every process agrees on it."""
    message = f"telegram-webhook:{config.telegram_token}".encode()
    return hmac.new(secret_key(config).encode(), message, hashlib.sha256).hexdigest()


async def telegram_bot_name(config: Config) -> str | None:
    """The bot's username, which the Telegram Login Widget needs; None (no widget) if Telegram is unreachable."""
    if not config.telegram_token:
        return None
    protect_logs(config.telegram_token)
    base = (config.telegram_api_base_url or "https://api.telegram.org/bot").rstrip("/")
    try:
        async with httpx.AsyncClient(timeout=5.0) as http:
            answer = (await http.get(f"{base}{config.telegram_token}/getMe")).json()
        return answer["result"]["username"] if answer.get("ok") else None
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
        log.warning("no Telegram sign-in button: getMe failed (%s)", type(error).__name__)
        return None
