"""One interaction's answer: a first response within 3 seconds, then edits and followups, mistakes shown privately."""
from __future__ import annotations

import asyncio

import discord

from adapters.discord.render import Outgoing

DONE = "✅ Already received."


class Exchange:
    """Replies and job notices for one interaction go through here, one at a time."""

    def __init__(self, interaction: discord.Interaction, private: bool = False):
        self.interaction, self.private = interaction, private
        self.acknowledged = asyncio.Event()  # job notices edit the response only after it exists
        self.expects_job = False  # a job notice was announced: the response becomes its status message
        self._lock = asyncio.Lock()
        self._loading = False  # deferred with "thinking…", nothing shown yet

    @property
    def response(self) -> discord.InteractionResponse:
        return self.interaction.response

    async def defer(self) -> None:
        """Buy time: Discord shows "thinking…" until the answer replaces it."""
        async with self._lock:
            if not self.response.is_done():
                await self.response.defer(thinking=True, ephemeral=self.private)
                self._loading = True
                self.acknowledged.set()

    async def finish(self, outs: list[Outgoing]) -> None:
        """Answer with the replies; with none, the response waits for its job's notices or just acknowledges."""
        async with self._lock:
            try:
                if not outs:
                    await self._nothing_to_say()
                for out in outs:
                    await self._answer(out)
            finally:
                self.acknowledged.set()

    async def _nothing_to_say(self) -> None:
        if self.expects_job:
            if not self.response.is_done():
                await self.response.defer(thinking=True)
                self._loading = True
        elif self._loading:
            await self.interaction.edit_original_response(content=DONE)
        elif not self.response.is_done():
            if self.interaction.type is discord.InteractionType.component:
                await self.response.defer()  # acknowledged; the message stays as it is
            else:
                await self.response.send_message(DONE, ephemeral=True)

    async def _answer(self, out: Outgoing) -> None:
        ephemeral = out.ephemeral or self.private
        if out.replaces and self.interaction.type is discord.InteractionType.component and not self.response.is_done():
            await self.response.edit_message(**out.edit())  # the message whose button was pressed
        elif not self.response.is_done():
            await self.response.send_message(**out.send(), ephemeral=ephemeral)
        elif self._loading and ephemeral and not self.private:
            # A public "thinking…" cannot turn private: remove it and answer privately instead.
            await self.interaction.delete_original_response()
            await self.interaction.followup.send(**without_none(out.send()), ephemeral=True)
        elif self._loading:
            await self.interaction.edit_original_response(**out.edit())
        else:
            await self.interaction.followup.send(**without_none(out.send()), ephemeral=ephemeral)
        self._loading = False


def without_none(kwargs: dict) -> dict:
    """followup.send takes MISSING, not None, for what a message leaves out."""
    return {k: v for k, v in kwargs.items() if v is not None}
