"""Where a Discord job reports: the interaction it answers (its token kept in memory only), then its channel."""
from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from domain.reply import ReplyTo

PLATFORM = "discord"
TOKEN_LIFETIME = 15 * 60 - 30  # interaction tokens last 15 minutes; stop relying on them a little earlier
REMEMBERED = 4096


@dataclass(frozen=True)
class DiscordAddress:
    interaction_id: str
    application_id: str
    channel_id: str
    user_id: str
    guild_id: str | None = None
    attachment_size_limit: int | None = None
    private: bool = False  # asked on a message only its user sees (ephemeral): what follows is for them alone

    def reply(self) -> ReplyTo:
        return ReplyTo.of(PLATFORM, interaction_id=self.interaction_id, application_id=self.application_id,
                          channel_id=self.channel_id, user_id=self.user_id, guild_id=self.guild_id,
                          attachment_size_limit=self.attachment_size_limit, private=self.private or None)

    @classmethod
    def read(cls, origin: ReplyTo) -> DiscordAddress | None:
        fields = dict(origin.address)
        if origin.platform != PLATFORM or not {"interaction_id", "channel_id", "user_id"} <= set(fields):
            return None
        limit = fields.get("attachment_size_limit")
        return cls(fields["interaction_id"], fields.get("application_id", ""), fields["channel_id"],
                   fields["user_id"], fields.get("guild_id"), int(limit) if limit else None,
                   fields.get("private") == "True")


class InteractionTokens:
    """Each interaction's token while it lives, in this process's memory only: never written to the database."""

    def __init__(self, lifetime: float = TOKEN_LIFETIME):
        self.lifetime = lifetime
        self._tokens: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def remember(self, interaction_id: str, token: str) -> None:
        self._tokens[interaction_id] = (token, time.monotonic() + self.lifetime)
        while len(self._tokens) > REMEMBERED:
            self._tokens.popitem(last=False)

    def get(self, interaction_id: str) -> str | None:
        token, until = self._tokens.get(interaction_id, ("", 0.0))
        return token if token and time.monotonic() < until else None
