"""DiscordNotifier: a job's status and result in its interaction's response; a training's steps in a follow-up of
their own, its end (and later work's) in a new message."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import discord

from adapters.chat.newest_previews import NewestPreviews
from adapters.chat.ordered_tasks import OrderedTasks
from adapters.discord.address import DiscordAddress, InteractionTokens
from adapters.discord.exchange import Exchange
from adapters.discord.followups import ProgressFollowUps, interaction_webhook
from adapters.discord.render import DEFAULT_LIMIT, Outgoing, Renderer
from domain.reply import ReplyTo
from ports.notifier import STATUS_KINDS, Notice

log = logging.getLogger(__name__)

READY_TIMEOUT = 60.0
ACK_TIMEOUT = 10.0
CLOSE_TIMEOUT = 10.0


class DiscordNotifier:
    """Notices are delivered in the background and in order per job; a slow channel never holds up a job."""

    def __init__(self, client: discord.Client, render: Renderer, exchanges: dict[str, Exchange],
                 tokens: InteractionTokens):
        self.client, self.render, self.exchanges, self.tokens = client, render, exchanges, tokens
        self.ready = asyncio.Event()  # set once the client has logged in
        self._latest: dict[str, Notice] = {}
        self._newest = NewestPreviews()  # each job's newest preview not yet on its message
        self._work = OrderedTasks(CLOSE_TIMEOUT)
        self.steps = ProgressFollowUps(client, tokens)
        self.previews = self._newest.counts

    async def notify(self, origin: ReplyTo, notice: Notice) -> None:
        address = DiscordAddress.read(origin)
        long = notice.job is not None and notice.job.long  # training: its steps in a follow-up, its end a new message
        if self._work.closed or address is None:
            return
        exchange = self.exchanges.get(address.interaction_id)
        if exchange is not None and notice.job is not None and not long:
            exchange.expects_job = True  # said before the command returns, so its response waits for this job
        key = notice.job.id if notice.job else f"channel:{address.channel_id}"
        if notice.preview:
            self._newest.offer(key, notice.preview)
        elif notice.kind in STATUS_KINDS and (unshown := self._newest.waiting(key)):
            notice = replace(notice, preview=unshown)  # a preview not shown yet rides on the newer status
        self._latest[key] = notice
        self._work.run(key, lambda: self._deliver(key, address, notice, exchange),
                       f"discord notice {notice.kind} for job {key}")

    async def close(self) -> None:
        """Let notices under way finish (bounded), then stop taking new ones."""
        await self._work.close()

    async def _deliver(self, key: str, origin: DiscordAddress, notice: Notice, exchange: Exchange | None) -> None:
        try:
            await asyncio.wait_for(self.ready.wait(), READY_TIMEOUT)
            if exchange is not None:
                await asyncio.wait_for(exchange.acknowledged.wait(), ACK_TIMEOUT)
            if notice.kind in STATUS_KINDS:
                if self._latest.get(key) is notice:  # an older status is not worth a request
                    await self._show_status(key, origin, notice)
                return
            if notice.job is None:
                await self._post(origin, Outgoing(notice.text))
                return
            out = await self.render.final(notice, origin.attachment_size_limit or DEFAULT_LIMIT)
            if notice.job.long or not await self._edit(origin, out):
                await self._post(origin, out)
            if notice.job.long:
                await self.steps.end(key, origin)
        finally:
            if notice.kind not in STATUS_KINDS and self._latest.get(key) is notice:
                self._latest.pop(key, None)
                self._newest.end(key)
                self._work.forget(key)

    async def _show_status(self, key: str, origin: DiscordAddress, notice: Notice) -> None:
        """A job's status in its response; a training's in a follow-up of its own, so the Confirm's answer stays."""
        out = self.render.status(notice)
        self._newest.sending(key, notice.preview)
        shown = await self.steps.show(key, origin, out) if notice.job is not None and notice.job.long \
            else await self._edit(origin, out)
        self._newest.sent(key, notice.preview, shown)

    async def _edit(self, origin: DiscordAddress, out: Outgoing) -> bool:
        """Replace the interaction's response while its token lives; False when that is no longer possible."""
        webhook = interaction_webhook(self.client, self.tokens, origin)
        if webhook is None:
            return False
        try:
            await webhook.edit_message("@original", **out.edit())  # type: ignore[call-overload]  # "@original" is Discord's own id for the response
            return True
        except discord.HTTPException as error:
            log.info("editing the response to interaction %s failed: HTTP %s code %s",
                     origin.interaction_id, error.status, error.code)
            return False

    async def _post(self, origin: DiscordAddress, out: Outgoing) -> None:
        """A new message in the channel the request came from, mentioning its author; a DM if that fails."""
        try:
            channel = self.client.get_partial_messageable(int(origin.channel_id))
            await channel.send(**_mentioning(out, origin.user_id))
        except (discord.Forbidden, discord.NotFound):
            direct = await self.client.create_dm(discord.Object(int(origin.user_id)))
            await direct.send(**_mentioning(out, origin.user_id))


def _mentioning(out: Outgoing, user_id: str) -> dict:
    """The message with its author named first: they alone are pinged, whatever else it says."""
    kwargs = out.send()
    kwargs["content"] = f"<@{user_id}> {kwargs.get('content') or ''}".strip()
    return {**kwargs, "allowed_mentions": discord.AllowedMentions(everyone=False, roles=False,
                                                                  users=[discord.Object(int(user_id))])}
