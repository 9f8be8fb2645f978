"""setWebhook, deleteWebhook, getWebhookInfo, with the Bot API's checks on the URL and the secret token."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from .faults import bad_request
from .params import Params
from .state import World

WEBHOOK_PORTS = (80, 88, 443, 8443)
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _check_url(url: str) -> None:
    """Telegram wants HTTPS on ports 80, 88, 443 or 8443; the stand-in also takes plain HTTP on loopback."""
    parsed = urlparse(url)
    if not parsed.hostname:
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    if parsed.hostname in LOOPBACK and parsed.scheme in ("http", "https"):
        return
    if parsed.scheme != "https":
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if (parsed.port or 443) not in WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


async def set_webhook(world: World, p: Params) -> bool:
    url, secret = p.text("url"), p.text("secret_token") or None
    if url:
        _check_url(url)
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    world.updates.allow(p.object("allowed_updates", None))
    if p.flag("drop_pending_updates"):
        world.updates.drop()
    await world.webhook.set(url, secret)  # an empty url removes the webhook
    return True


async def delete_webhook(world: World, p: Params) -> bool:
    await world.webhook.delete()
    if p.flag("drop_pending_updates"):
        world.updates.drop()
    return True


async def get_webhook_info(world: World, p: Params) -> dict:
    return world.webhook.info()


METHODS = {"setWebhook": set_webhook, "deleteWebhook": delete_webhook, "getWebhookInfo": get_webhook_info}
