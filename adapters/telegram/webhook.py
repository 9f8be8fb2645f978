"""Webhook mode: Telegram POSTs updates to the web interface's /hooks/telegram; they join PTB's update queue."""
from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Mapping

from telegram import Update
from telegram.ext import Application

from adapters.chat.webhooks import WebhookRoutes, header

log = logging.getLogger(__name__)
ROUTE = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramWebhook:
    def __init__(self, app: Application, routes: WebhookRoutes, url: str, secret: str):
        self.app, self.routes, self.url, self.secret = app, routes, url, secret
        self.is_set = False

    async def start(self, allowed_updates: list[str]) -> None:
        """Serve the route first, so the first update Telegram POSTs finds it."""
        self.routes.add(ROUTE, self.receive)
        self.is_set = await self.app.bot.set_webhook(url=self.url, secret_token=self.secret,
                                                     allowed_updates=allowed_updates)

    async def stop(self) -> None:
        """Delete the webhook only if this process set it; updates not yet POSTed wait at Telegram."""
        try:
            if self.is_set:
                await self.app.bot.delete_webhook()
                self.is_set = False
        finally:
            if self.routes.get(ROUTE) == self.receive:
                self.routes.remove(ROUTE)

    async def receive(self, headers: Mapping[str, str], body: bytes) -> int:
        """Check the secret, queue the update for PTB's handlers and answer at once."""
        sent = header(headers, SECRET_HEADER)
        if sent is None or not hmac.compare_digest(sent.encode(), self.secret.encode()):
            return 403
        if not self.app.running:
            return 503  # Telegram retries later
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                return 400
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("telegram webhook: an update that cannot be read (%s)", type(error).__name__)
            return 400
        await self.app.update_queue.put(update)
        return 200
