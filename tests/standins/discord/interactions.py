"""INTERACTION_CREATE payloads and the per-interaction record of what the bot answered."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from .messages import Message
from .state import DM_APP_PERMISSIONS, MEMBER_PERMISSIONS, World

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE = 2, 3, 4
# Interaction callback types each interaction type may answer with.
ALLOWED_CALLBACKS = {APPLICATION_COMMAND: {4, 5, 9}, MESSAGE_COMPONENT: {4, 5, 6, 7, 9}, AUTOCOMPLETE: {8}}
GUILD_CONTEXT, BOT_DM_CONTEXT = 0, 1


@dataclass
class Callback:
    """One accepted POST /interactions/{id}/{token}/callback: its type and `data`."""

    type: int
    data: dict


@dataclass
class InteractionRecord:
    """What was dispatched and everything the bot did with it; `rejections` lists refused calls."""

    payload: dict
    dispatched_at: float
    callbacks: list[Callback] = field(default_factory=list)
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    rejections: list[tuple[int, int]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.payload["id"]

    @property
    def token(self) -> str:
        return self.payload["token"]

    @property
    def type(self) -> int:
        return self.payload["type"]

    @property
    def user(self) -> dict:
        return self.payload["member"]["user"] if "member" in self.payload else self.payload["user"]

    @property
    def channel_id(self) -> str:
        return self.payload["channel_id"]

    @property
    def message_type(self) -> int:
        """Responses to slash commands are CHAT_INPUT_COMMAND (20) messages, others DEFAULT (0)."""
        return 20 if self.type == APPLICATION_COMMAND else 0

    def metadata(self) -> dict:
        """The `interaction_metadata` of messages created in response."""
        return {"id": self.id, "type": self.type, "user": self.user,
                "authorizing_integration_owners": self.payload["authorizing_integration_owners"]}


def interaction_payload(world: World, *, kind: int, data: dict, user: dict, channel_id: str,
                        message: Message | None = None) -> dict:
    """The interaction object Discord sends over the gateway, for a guild channel or a bot DM."""
    channel = world.channels[channel_id]
    guild_id = channel.get("guild_id")
    payload = {
        "id": world.ids.next(), "application_id": world.application_id, "type": kind, "data": data,
        "token": secrets.token_urlsafe(48), "version": 1, "channel_id": channel_id, "channel": channel,
        "locale": "en-US", "entitlements": [], "attachment_size_limit": world.attachment_size_limit,
        "authorizing_integration_owners": {"0": guild_id or "0"},
        "context": GUILD_CONTEXT if guild_id else BOT_DM_CONTEXT,
    }
    if guild_id:
        payload |= {"guild_id": guild_id, "guild": {"id": guild_id, "locale": "en-US", "features": []},
                    "guild_locale": "en-US", "member": world.member_object(user),
                    "app_permissions": MEMBER_PERMISSIONS}
    else:
        payload |= {"user": user, "app_permissions": DM_APP_PERMISSIONS}
    if message is not None:
        payload["message"] = message.payload()
    return payload
