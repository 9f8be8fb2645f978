"""Send each notice to the notifier of the platform its request came from."""
from __future__ import annotations

import logging

from domain.reply import ReplyTo
from ports.notifier import Notice, Notifier

log = logging.getLogger(__name__)


class NotifierRouter:
    def __init__(self) -> None:
        self.routes: dict[str, Notifier] = {}

    def register(self, platform: str, notifier: Notifier) -> None:
        self.routes[platform] = notifier

    async def notify(self, origin: ReplyTo, notice: Notice) -> None:
        route = self.routes.get(origin.platform)
        if route is None:
            log.info("job %s: %s %s", notice.job.id if notice.job else "-", notice.kind, notice.text)
            return
        try:
            await route.notify(origin, notice)
        except Exception:
            log.exception("the %s notifier failed", origin.platform)
