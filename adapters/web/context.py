"""What every view needs: the station (the whole driving port), settings, and the notifier."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from quart import current_app

from adapters.chat.webhooks import WebhookRoutes
from adapters.web.fragments import Fragments
from domain.reply import ReplyTo
from domain.workflows.station import Station

if TYPE_CHECKING:
    from adapters.web.notifier import WebNotifier


@dataclass(frozen=True)
class WebSettings:
    """How this web interface is set up; the secret key signs the session cookie."""

    secret_key: str
    max_upload_bytes: int = 20_000_000
    public_url: str | None = None
    telegram_bot_token: str | None = None
    telegram_bot_name: str | None = None
    chat_platforms: tuple[str, ...] = ()
    token_days: int = 90  # an API token's life when its maker does not say
    metrics_token: str | None = None  # /metrics wants it as a bearer token, and then shows points totals
    demo_identity: str | None = None  # a demo station (`run --demo`): anyone may try it as this identity

    @property
    def demo(self) -> bool:
        return self.demo_identity is not None

    @property
    def secure_cookies(self) -> bool:
        return (self.public_url or "").startswith("https://")


@dataclass(frozen=True)
class Web:
    station: Station
    settings: WebSettings
    notifier: WebNotifier
    webhooks: WebhookRoutes = field(default_factory=WebhookRoutes)  # POST /hooks/<name>, for the chat platforms
    fragments: Fragments = field(default_factory=Fragments)  # rendered tiles and form fields


def web() -> Web:
    return current_app.extensions["stationthis"]


def origin(user_id: str) -> ReplyTo:
    """Where a job made on the web reports back to."""
    return ReplyTo.of("web", user_id=user_id)
