"""The web interface as a platform (always started), and the operator's `stationthis web` commands."""
from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

from hypercorn.middleware import ProxyFixMiddleware

from adapters.chat.notifier_router import NotifierRouter
from adapters.chat.webhooks import WebhookRoutes
from adapters.web.app import create_app
from adapters.web.context import WebSettings
from adapters.web.notifier import WebNotifier
from adapters.web.server import WebServer
from bootstrap.config import Config
from bootstrap.demo import DEMO_IDENTITY
from domain.workflows.station import Station

log = logging.getLogger("stationthis.web")
SECRET_FILE = "web_secret_key"


def secret_key(config: Config) -> str:
    """WEB_SECRET_KEY, or one generated on first use and kept (mode 0600) in the data directory."""
    if config.web_secret_key:
        return config.web_secret_key
    path = Path(config.data_dir) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def web_settings(config: Config, telegram_bot_name: str | None = None) -> WebSettings:
    chats = tuple(name for name, token in (("Telegram", config.telegram_token), ("Discord", config.discord_token))
                  if token)
    return WebSettings(secret_key=secret_key(config), max_upload_bytes=config.max_upload_bytes,
                       public_url=config.web_public_url, telegram_bot_token=config.telegram_token,
                       telegram_bot_name=telegram_bot_name, chat_platforms=chats, token_days=config.token_days,
                       metrics_token=config.metrics_token, demo_identity=DEMO_IDENTITY if config.demo else None)


class WebPlatform:
    """The Quart app and the server that serves it."""

    def __init__(self, app, server: WebServer, notifier: WebNotifier):
        self.app, self.server, self.notifier = app, server, notifier

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def title(self) -> str:
        return f"web interface at {self.url}"


async def web_interface(config: Config, station: Station, router: NotifierRouter, webhooks: WebhookRoutes,
                        telegram_bot_name: str | None) -> AsyncIterator[WebPlatform]:
    """`telegram_bot_name` shows the Telegram Login Widget (None: no widget)."""
    notifier = WebNotifier()
    router.register("web", notifier)
    app = create_app(station, web_settings(config, telegram_bot_name), notifier, webhooks)
    served = ProxyFixMiddleware(app, mode="legacy", trusted_hops=config.trusted_proxy_hops) \
        if config.trusted_proxy_hops else app  # the client's address from X-Forwarded-For, for rate limits
    server = WebServer(served, config.web_host, config.web_port)
    await server.start()
    if not config.demo:  # a demo station says how to try it once its demo user has points
        codes = "a bot's /link" if config.telegram_token or config.discord_token else \
            "'stationthis web login-code IDENTITY'"
        log.info("open %s in a browser and sign in with a code from %s, or make a first user with: "
                 "stationthis web create-user NAME", config.web_public_url or server.url, codes)
    try:
        yield WebPlatform(app, server, notifier)
    finally:
        notifier.close()
        await server.stop()
