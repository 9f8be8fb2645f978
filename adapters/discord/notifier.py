"""DiscordNotifier: a job's status and result in its interaction's response; later or long work in a new message."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import discord

from adapters.chat.ordered_tasks import OrderedTasks
from adapters.discord.address import DiscordAddress, InteractionTokens
from adapters.discord.exchange import Exchange
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
        self._unshown: dict[str, bytes] = {}  # the newest preview of a job not yet on its message
        self._work = OrderedTasks(CLOSE_TIMEOUT)

    async def notify(self, origin: ReplyTo, notice: Notice) -> None:
        address = DiscordAddress.read(origin)
        long = notice.job is not None and notice.job.long  # training: only its end is told, as a new message
        if self._work.closed or address is None or (long and notice.kind in STATUS_KINDS):
            return
        exchange = self.exchanges.get(address.interaction_id)
        if exchange is not None and notice.job is not None and not long:
            exchange.expects_job = True  # said before the command returns, so its response waits for this job
        key = notice.job.id if notice.job else f"channel:{address.channel_id}"
        if notice.kind in STATUS_KINDS and not notice.preview and key in self._unshown:
            notice = replace(notice, preview=self._unshown[key])  # a preview not shown yet rides on the newer status
        if notice.preview:
            self._unshown[key] = notice.preview
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
                    if await self._edit(origin, self.render.status(notice)) and \
                            self._unshown.get(key) is notice.preview:
                        self._unshown.pop(key, None)
                return
            if notice.job is None:
                await self._post(origin, Outgoing(notice.text))
                return
            out = await self.render.final(notice, origin.attachment_size_limit or DEFAULT_LIMIT)
            if notice.job.long or not await self._edit(origin, out):
                await self._post(origin, out)
        finally:
            if notice.kind not in STATUS_KINDS and self._latest.get(key) is notice:
                self._latest.pop(key, None)
                self._unshown.pop(key, None)
                self._work.forget(key)

    async def _edit(self, origin: DiscordAddress, out: Outgoing) -> bool:
        """Replace the interaction's response while its token lives; False when that is no longer possible."""
        token = self.tokens.get(origin.interaction_id)
        if token is None:
            return False
        webhook = discord.Webhook.partial(int(origin.application_id), token, client=self.client)
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
