"""setWebhook's other half: while a webhook is set, every new update is POSTed to it, in order, with retries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ATTEMPTS = 4  # then the update is given up, as Telegram gives up (after much longer)
RETRY_DELAY = 0.2  # doubled after each failure


@dataclass(frozen=True)
class Delivery:
    """One POST of an update to the webhook: its status, or 0 when the connection failed."""

    update_id: int
    status: int
    secret: str | None


class Webhook:
    def __init__(self, updates: UpdateQueue, notify: Callable[[], None]) -> None:
        self.updates, self.notify = updates, notify
        self.url = ""
        self.secret: str | None = None
        self.deliveries: list[Delivery] = []
        self.last_error: tuple[int, str] | None = None
        self._task: asyncio.Task | None = None

    @property
    def active(self) -> bool:
        return bool(self.url)

    async def set(self, url: str, secret: str | None) -> None:
        await self.delete()
        self.url, self.secret, self.last_error = url, secret, None
        if url:
            self._task = asyncio.get_running_loop().create_task(self._deliver())

    async def delete(self) -> None:
        """Stop delivering; an update being POSTed stays pending, as it was never answered."""
        self.url, self.secret = "", None
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def info(self) -> dict:
        info = {"url": self.url, "has_custom_certificate": False, "pending_update_count": len(self.updates.pending)}
        if self.url:
            info.update(max_connections=40, ip_address="127.0.0.1")
        if self.last_error:
            info.update(last_error_date=self.last_error[0], last_error_message=self.last_error[1])
        return info

    async def _deliver(self) -> None:
        async with httpx.AsyncClient(timeout=10.0) as http:
            while not self.updates.closed:
                for update in await self.updates.get(0, 1, 30):
                    await self._post(http, update)
                    self.updates.confirm(update["update_id"] + 1)  # delivered, or given up

    async def _post(self, http: httpx.AsyncClient, update: dict) -> None:
        headers = {SECRET_HEADER: self.secret} if self.secret else {}
        delay = RETRY_DELAY
        for attempt in range(ATTEMPTS):
            try:
                status = (await http.post(self.url, json=update, headers=headers)).status_code
                error = f"Wrong response from the webhook: {status}"
            except httpx.HTTPError as failure:
                status, error = 0, f"Connection failed: {type(failure).__name__}"
            self.deliveries.append(Delivery(update["update_id"], status, self.secret))
            self.notify()
            if 200 <= status < 300:
                return
            self.last_error = (int(time.time()), error)
            if attempt + 1 < ATTEMPTS:
                await asyncio.sleep(delay)
                delay *= 2
