"""A training's steps on Discord: a follow-up message of their own under the Confirm's answer, edited in place."""
from __future__ import annotations

import logging

import discord

from adapters.discord.address import DiscordAddress, InteractionTokens
from adapters.discord.exchange import without_none
from adapters.discord.render import Outgoing

log = logging.getLogger(__name__)


def interaction_webhook(client: discord.Client, tokens: InteractionTokens,
                        origin: DiscordAddress) -> discord.Webhook | None:
    """The interaction's own webhook while its token lives (None after): it edits the response and sends followups,
    ephemeral ones too (an application webhook, as discord.py's Interaction.followup makes it)."""
    token = tokens.get(origin.interaction_id)
    if token is None:
        return None
    data = {"id": int(origin.application_id), "type": 3, "token": token}
    return discord.Webhook.from_state(data=data, state=client._connection)  # type: ignore[arg-type]


class ProgressFollowUps:
    """One follow-up per long job, so the Confirm's answer stays as it was ("Training submitted …"); only its user
    sees it where the Confirm was for them alone. The end is told as a new message, and the steps make way for it."""

    def __init__(self, client: discord.Client, tokens: InteractionTokens):
        self.client, self.tokens = client, tokens
        self._messages: dict[str, int] = {}  # job id -> the follow-up showing its steps

    async def show(self, key: str, origin: DiscordAddress, out: Outgoing) -> bool:
        """Post the steps the first time, edit them after; False when Discord took neither (or the token is gone)."""
        webhook = interaction_webhook(self.client, self.tokens, origin)
        if webhook is None:
            return False
        message_id = self._messages.get(key)
        try:
            if message_id is None:
                sent = await webhook.send(**without_none(out.send()), ephemeral=origin.private, wait=True)
                self._messages[key] = sent.id
            else:
                await webhook.edit_message(message_id, **out.edit())
            return True
        except discord.HTTPException as error:
            log.info("showing the steps of job %s failed: HTTP %s code %s", key, error.status, error.code)
            return False

    async def end(self, key: str, origin: DiscordAddress) -> None:
        """Remove the steps once the end is told (left as they are if the interaction's token is gone)."""
        message_id = self._messages.pop(key, None)
        webhook = interaction_webhook(self.client, self.tokens, origin)
        if message_id is None or webhook is None:
            return
        try:
            await webhook.delete_message(message_id)
        except discord.HTTPException as error:
            log.info("removing the steps of job %s failed: HTTP %s code %s", key, error.status, error.code)
