"""TelegramBot: the python-telegram-bot Application in StationThis's own event loop, polling or by webhook."""
from __future__ import annotations

import logging
import re

from telegram import BotCommand, Update
from telegram.ext import Application, ContextTypes, TypeHandler

from adapters.chat.commands import ChatCommands
from adapters.chat.webhooks import WebhookRoutes
from adapters.telegram.files import ImageDownloads
from adapters.telegram.handlers import UpdateHandlers
from adapters.telegram.notifier import TelegramNotifier
from adapters.telegram.polling import WatchedPolling
from adapters.telegram.send import Sender
from adapters.telegram.webhook import TelegramWebhook
from ports.media import MediaProcessor
from ports.notifier import StatusMessages

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


class TelegramBot:
    title = "Telegram bot"

    def __init__(self, token: str, commands: ChatCommands, media: MediaProcessor, max_download: int,
                 status_messages: StatusMessages, api_url: str | None = None, webhooks: WebhookRoutes | None = None,
                 webhook_url: str | None = None, webhook_secret: str | None = None):
        self.polling = WatchedPolling()
        builder = Application.builder().token(token).concurrent_updates(True)  # chats run side by side
        builder = builder.get_updates_request(self.polling)
        if api_url:
            base, files = api_urls(api_url)
            builder = builder.base_url(base).base_file_url(files)
        self.app = builder.build()
        self.commands, self.catalogue = commands, commands.station.catalogue
        self.sender = Sender(self.app.bot, media)
        self.notifier = TelegramNotifier(self.sender, commands, status_messages)
        self.handlers = UpdateHandlers(commands, self.sender, ImageDownloads(self.app.bot, max_download))
        self.app.add_handler(TypeHandler(Update, self.handlers.on_update))
        self.app.add_error_handler(_log_error)
        self.webhook = TelegramWebhook(self.app, webhooks or WebhookRoutes(), webhook_url, webhook_secret or "") \
            if webhook_url else None

    async def start(self) -> None:
        try:
            await self.app.initialize()
            await self.app.bot.set_my_commands(self.menu())
            await self.app.start()
            if self.webhook:
                await self.webhook.start(ALLOWED_UPDATES)
            elif self.app.updater is not None:
                await self.app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        except BaseException:
            await self.stop()
            raise
        self.notifier.ready.set()
        log.info("Telegram bot @%s %s", self.app.bot.username,
                 f"receives updates by webhook at {self.webhook.url}" if self.webhook else "is polling")

    async def stop(self) -> None:
        """Stop fetching, finish the updates and notices under way, then close the connection."""
        if self.webhook:
            await self.webhook.stop()
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        await self.handlers.close()
        if self.app.running:
            await self.app.stop()
        await self.notifier.close()
        await self.app.shutdown()

    def connected(self) -> bool:
        """Started, and (polling) the latest poll reached Telegram or (webhook) the webhook is set."""
        if not self.app.running:
            return False
        return self.webhook.is_set if self.webhook else bool(self.polling.reached)

    def menu(self) -> list[BotCommand]:
        """Every built-in and template as Telegram's command menu shows it (names Telegram refuses are left out)."""
        entries = []
        for name, description in self.commands.registry.menu(self.catalogue):
            if _COMMAND_NAME.fullmatch(name):
                entries.append(BotCommand(name, description or name))
            else:
                log.warning("/%s is not a valid Telegram command name; it is left out of the menu", name)
        return entries[:100]


def api_urls(api_url: str) -> tuple[str, str]:
    """('http://host/bot', 'http://host/file/bot') from a Bot API server address, with or without '/bot'."""
    root = api_url.rstrip("/").removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("telegram: %s", type(context.error).__name__, exc_info=context.error)
