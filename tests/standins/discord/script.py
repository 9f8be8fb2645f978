"""What a scripted Discord user does: run slash commands, type into autocomplete, click buttons."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from .gateway import Gateway
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    InteractionRecord,
    interaction_payload,
)
from .messages import Message
from .options import Upload, command_data
from .state import World

BUTTON = 2
FIRST_GUILD = ...  # default for guild_id: the first configured guild; pass None for a DM with the bot


class UserActions:
    world: World
    gateway: Gateway

    def _where(self, name: str, guild_id, channel_id, user: dict) -> tuple[dict, list[str], str]:
        """The command `name` ("cmd" or "cmd group sub") resolves to, its subcommand path and the channel."""
        if channel_id is not None:
            channel = str(channel_id)
        elif guild_id is None:
            channel = self.world.open_dm(user["id"])["id"]
        else:
            guild_id = next(iter(self.world.guild_channels)) if guild_id is FIRST_GUILD else str(guild_id)
            channel = self.world.guild_channels[guild_id]
        command_name, *path = name.split()
        return self.world.find_command(command_name, self.world.channels[channel].get("guild_id")), path, channel

    async def _dispatch(self, kind: int, data: dict, user: dict, channel_id: str,
                        message: Message | None = None, times: int = 1) -> InteractionRecord:
        self.world.users.setdefault(user["id"], user)
        payload = interaction_payload(self.world, kind=kind, data=data, user=user, channel_id=channel_id,
                                      message=message)
        rec = InteractionRecord(payload, dispatched_at=asyncio.get_running_loop().time())
        self.world.interactions[rec.id] = rec
        for _ in range(times):
            await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return rec

    async def user_invokes(self, name: str, options: dict | list | None = None, *, user: dict | None = None,
                           guild_id=FIRST_GUILD, channel_id=None, attachments: Sequence[Upload] = (),
                           duplicate: bool = False) -> InteractionRecord:
        """Runs "/name" or "/group sub" with `options`; `attachments` fill the attachment options in order.

        `duplicate=True` delivers the same interaction twice, as Discord occasionally does. Raises ValueError
        for input Discord's client would refuse (unknown or missing options, values outside their limits).
        """
        user = user or self.world.default_user
        command, path, channel = self._where(name, guild_id, channel_id, user)
        data = command_data(self.world, command, path, options, attachments, channel)
        return await self._dispatch(APPLICATION_COMMAND, data, user, channel, times=2 if duplicate else 1)

    async def user_autocompletes(self, name: str, focused_option: str, value: str, other_options: dict | None = None,
                                 *, user: dict | None = None, guild_id=FIRST_GUILD, timeout: float = 5.0) -> list:
        """Types `value` into `focused_option` and returns the choices the bot answered with."""
        user = user or self.world.default_user
        command, path, channel = self._where(name, guild_id, None, user)
        values = {**(other_options or {}), focused_option: value}
        data = command_data(self.world, command, path, values, (), channel, focused=focused_option)
        rec = await self._dispatch(AUTOCOMPLETE, data, user, channel)
        await self.world.wait_for(lambda: rec.callbacks, timeout)
        return rec.callbacks[0].data.get("choices", [])

    async def user_clicks(self, message: Message, custom_id: str, *, user: dict | None = None,
                          duplicate: bool = False) -> InteractionRecord:
        """Clicks the enabled button `custom_id` on a message the bot sent."""
        component = message.component(custom_id)
        if component is None or component["type"] != BUTTON or component.get("disabled"):
            raise AssertionError(f"no enabled button {custom_id!r} on message {message.id}: {message.components}")
        data = {"custom_id": custom_id, "component_type": BUTTON}
        user = user or self.world.default_user
        return await self._dispatch(MESSAGE_COMPONENT, data, user, message.channel_id, message,
                                    times=2 if duplicate else 1)
