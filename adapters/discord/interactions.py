"""Slash commands and button clicks become chat-kit requests; their replies go back through an Exchange."""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Awaitable, Callable

import discord

from adapters.chat.commands import ChatCommands
from adapters.chat.messages import ChatRequest, Reply
from adapters.discord.address import DiscordAddress, InteractionTokens
from adapters.discord.exchange import Exchange
from adapters.discord.render import DEFAULT_LIMIT, Renderer, size
from domain.reply import ReplyTo

log = logging.getLogger(__name__)

GRACE = 1.5  # answer directly when the work is this quick, else defer (Discord's deadline is 3 s)
REMEMBERED = 4096


class Interactions:
    def __init__(self, kit: ChatCommands, render: Renderer, max_upload_bytes: int, tokens: InteractionTokens):
        self.kit, self.render, self.max_upload_bytes, self.tokens = kit, render, max_upload_bytes, tokens
        self.open: dict[str, Exchange] = {}  # interaction id -> its exchange, while it is being answered
        self._seen: OrderedDict[int, None] = OrderedDict()

    def first_delivery(self, interaction: discord.Interaction) -> bool:
        """False for an interaction Discord delivered before: it is answered once."""
        if interaction.id in self._seen:
            log.info("interaction %s delivered twice; answered once", interaction.id)
            return False
        self._seen[interaction.id] = None
        while len(self._seen) > REMEMBERED:
            self._seen.popitem(last=False)
        return True

    async def command(self, interaction: discord.Interaction, command: str, subcommand: str | None,
                      values: dict) -> None:
        async def work() -> list[Reply]:
            request = await self._request(interaction, command, values)
            if isinstance(request, Reply):
                return [request]
            request.subcommand = subcommand
            return await self.kit.handle(request)

        builtin = self.kit.registry.get(command)
        await self._serve(interaction, work, private=builtin is not None and builtin.private_answer(subcommand))

    async def press(self, interaction: discord.Interaction, action: str) -> None:
        if not self.first_delivery(interaction):
            return
        message_id = interaction.message.id if interaction.message else interaction.id
        request = ChatRequest(identity=_identity(interaction), display_name=interaction.user.display_name,
                              command=action, origin=self.origin(interaction),
                              request_key=f"discord:{message_id}:{action}")  # this message's button
        await self._serve(interaction, lambda: self.kit.press(request))

    async def _serve(self, interaction: discord.Interaction, work: Callable[[], Awaitable[list[Reply]]],
                     private: bool = False) -> None:
        exchange = Exchange(interaction, private)
        self.open[str(interaction.id)] = exchange
        try:
            task = asyncio.ensure_future(work())
            done, _ = await asyncio.wait({task}, timeout=GRACE)
            if not done:
                await exchange.defer()
            replies = await task
            limit = interaction.filesize_limit or DEFAULT_LIMIT
            await exchange.finish([await self.render.reply(r, limit) for r in replies])
        except discord.HTTPException as error:
            log.warning("answering interaction %s failed: HTTP %s code %s", interaction.id, error.status, error.code)
        except Exception:
            log.exception("interaction %s crashed", interaction.id)
            oops = Reply("Something went wrong on our side; nothing was charged for it.", error=True)
            await _quietly(exchange.finish([await self.render.reply(oops, DEFAULT_LIMIT)]))
        finally:
            self.open.pop(str(interaction.id), None)

    async def _request(self, interaction: discord.Interaction, command: str, values: dict) -> ChatRequest | Reply:
        """Typed options as the chat kit names them: files downloaded into `images`, people as identities."""
        options: dict = {}
        images: list[bytes] = []
        for name, value in values.items():
            if isinstance(value, discord.Attachment):
                if value.size > self.max_upload_bytes:
                    return Reply(f"{name} ({value.filename}) is {size(value.size)}; files up to "
                                 f"{size(self.max_upload_bytes)} are accepted.", error=True)
                images.append(await value.read())
            elif isinstance(value, (discord.User, discord.Member, discord.Object)):
                options[name] = f"discord:{value.id}"
            else:
                options[name] = value
        return ChatRequest(identity=_identity(interaction), display_name=interaction.user.display_name,
                           command=command, options=options, images=images, origin=self.origin(interaction),
                           request_key=f"discord:{interaction.id}")

    def origin(self, interaction: discord.Interaction) -> ReplyTo:
        """Where a job's notices go: the interaction's response while its token lives, then its channel."""
        self.tokens.remember(str(interaction.id), interaction.token)
        private = interaction.message is not None and interaction.message.flags.ephemeral  # a button on such a one
        return DiscordAddress(
            str(interaction.id), str(interaction.application_id), str(interaction.channel_id), str(interaction.user.id),
            str(interaction.guild_id) if interaction.guild_id else None, interaction.filesize_limit, private).reply()



def _identity(interaction: discord.Interaction) -> str:
    return f"discord:{interaction.user.id}"


async def _quietly(call) -> None:
    try:
        await call
    except discord.HTTPException as error:
        log.info("Discord refused an answer: HTTP %s code %s", error.status, error.code)
