"""Checkout for chats: paid work starts at once within the user's threshold, else waits, priced, for their yes."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from domain.errors import InsufficientPoints, NotFound
from domain.jobs import Job
from domain.quotes import QUOTE_TTL_S, PendingQuote, needs_confirmation
from domain.reply import ReplyTo
from domain.workflows.follow_ups import FollowUps
from domain.workflows.make_image import MakeImage, Quote, job_id_for
from domain.workflows.settings import Settings
from ports.clock import Clock
from ports.storage import Storage

GONE = "That price is no longer on offer (it was answered, or is a day old): send the command again."


class Checkout:
    def __init__(self, storage: Storage, make_image: MakeImage, follow_ups: FollowUps, settings: Settings,
                 clock: Clock):
        self.storage, self.make_image, self.follow_ups = storage, make_image, follow_ups
        self.settings, self.clock = settings, clock

    async def start(self, user_id: str, tool: str, raw: dict[str, Any], origin: ReplyTo, request_key: str,
                    parent_id: str | None = None, action: str | None = None, shown_price: int | None = None
                    ) -> Job | PendingQuote:
        """The job, charged and queued; or, above the user's threshold (or at another price than a button
        showed), the quote they are asked to confirm, with their balance. Nothing is charged for a quote."""
        quote = await self.make_image.quote(user_id, tool, raw)
        threshold = await self.settings.confirm_above(user_id)
        if not needs_confirmation(quote.price, threshold, shown_price):
            return await self.make_image.submit_quote(user_id, quote, origin, request_key, parent_id, action=action)
        if not quote.affordable:
            raise InsufficientPoints(balance=quote.balance, price=quote.price)
        pending = PendingQuote(id=job_id_for(f"quote:{request_key}"), user_id=user_id, tool=quote.tool,
                               values=quote.values, price=quote.price, created_at=self.clock.now(),
                               request_key=request_key, parent_id=parent_id, action=action)
        await self.storage.quotes.prune(self.clock.now() - QUOTE_TTL_S)
        await self.storage.quotes.add(pending)
        return replace(pending, balance=quote.balance)

    async def follow_up(self, user_id: str, job_id: str, action: str, origin: ReplyTo, request_key: str,
                        shown_price: int | None = None) -> Job | PendingQuote:
        """A button on a result (or a failed job): its work, keyed by the button's own message and press."""
        request = await self.follow_ups.request(user_id, job_id, action)
        key = await self.make_image.fresh_key(request_key)
        return await self.start(user_id, request.tool, request.raw, origin, key, parent_id=job_id,
                                action=request.action.value, shown_price=shown_price)

    async def confirm(self, user_id: str, quote_id: str, origin: ReplyTo) -> Job:
        """Charge exactly the quoted price and start the work, as the request it answers (so a button pressed
        again later starts new work); confirming twice starts it once."""
        pending = await self._own(user_id, quote_id)
        quote = Quote(tool=pending.tool, values=pending.values, price=pending.price,
                      balance=await self.make_image.points.balance(user_id))
        return await self.make_image.submit_quote(user_id, quote, origin, pending.request_key, pending.parent_id,
                                                  action=pending.action)

    async def discard(self, user_id: str, quote_id: str) -> Job | None:
        """Drop the offer; if it was confirmed already, the job it started instead."""
        pending = await self._own(user_id, quote_id)
        started = await self.storage.jobs.get(job_id_for(pending.request_key))
        if started is None:
            await self.storage.quotes.delete(quote_id)
        return started

    async def _own(self, user_id: str, quote_id: str) -> PendingQuote:
        pending = await self.storage.quotes.get(quote_id)
        if pending is None or pending.user_id != user_id or pending.expired(self.clock.now()):
            raise NotFound(GONE)
        return pending
