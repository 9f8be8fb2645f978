"""The stand-in's in-memory Discord: ids, users, guilds, channels, registered commands and recorded traffic."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import TYPE_CHECKING

from .messages import Message, now_iso
from .middleware import DiscordError

if TYPE_CHECKING:
    from .interactions import InteractionRecord
    from .messages import Attachment

DISCORD_EPOCH_MS = 1420070400000
MIB = 1024 * 1024
# VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES, READ_MESSAGE_HISTORY, ADD_REACTIONS,
# USE_EXTERNAL_EMOJIS, USE_APPLICATION_COMMANDS
MEMBER_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 6) | (1 << 18) | (1 << 31))
# What Discord reports for an app in a bot DM: ATTACH_FILES, EMBED_LINKS, MENTION_EVERYONE, USE_EXTERNAL_EMOJIS.
DM_APP_PERMISSIONS = str((1 << 15) | (1 << 14) | (1 << 17) | (1 << 18))


class Snowflakes:
    """Discord-shaped ids: milliseconds since the Discord epoch, shifted, plus an increment."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self) -> str:
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return str((millis << 22) | (next(self._counter) & 0xFFF))


def user_object(user_id: str, username: str, *, bot: bool = False) -> dict:
    return {"id": user_id, "username": username, "discriminator": "0", "global_name": None if bot else username,
            "avatar": None, "bot": bot, "public_flags": 0}


class World:
    def __init__(self, *, token: str, guild_ids: list[str] | None, attachment_size_limit: int) -> None:
        self.token = token
        self.ids = Snowflakes()
        self.base_url = ""
        self.attachment_size_limit = attachment_size_limit
        self.application_id = self.ids.next()
        self.bot_user = user_object(self.application_id, "standin-bot", bot=True)
        self.default_user = user_object(self.ids.next(), "tester")
        self.users = {u["id"]: u for u in (self.bot_user, self.default_user)}
        self.channels: dict[str, dict] = {}
        self.dm_channels: dict[str, str] = {}
        self.guild_channels: dict[str, str] = {}
        self.commands: dict[str | None, list[dict]] = {None: []}
        self.messages: dict[str, Message] = {}
        self.attachments: dict[str, Attachment] = {}
        self.interactions: dict[str, InteractionRecord] = {}
        self.traffic: list[str] = []
        for guild_id in guild_ids if guild_ids is not None else [self.ids.next()]:
            self.add_guild(guild_id)

    def add_guild(self, guild_id: str) -> None:
        """A guild the bot is in, with one text channel, "general"."""
        channel_id = self.ids.next()
        self.guild_channels[guild_id] = channel_id
        self.channels[channel_id] = {
            "id": channel_id, "type": 0, "guild_id": guild_id, "name": "general", "position": 0,
            "permission_overwrites": [], "nsfw": False, "topic": None, "rate_limit_per_user": 0,
            "parent_id": None, "last_message_id": None,
        }

    async def wait_for(self, predicate, timeout: float = 10.0):
        """Polls `predicate` until truthy and returns its value; on timeout fails showing the recent traffic."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not (result := predicate()):
            if asyncio.get_running_loop().time() > deadline:
                seen = "\n  ".join(self.traffic[-40:]) or "(nothing)"
                raise AssertionError(f"condition not met within {timeout}s; recent traffic:\n  {seen}")
            await asyncio.sleep(0.01)
        return result

    def add_user(self, username: str) -> dict:
        user = user_object(self.ids.next(), username)
        self.users[user["id"]] = user
        return user

    def member_object(self, user: dict) -> dict:
        return {"user": user, "nick": None, "avatar": None, "roles": [], "joined_at": now_iso(), "deaf": False,
                "mute": False, "flags": 0, "pending": False, "premium_since": None, "permissions": MEMBER_PERMISSIONS}

    def guild_create(self, guild_id: str) -> dict:
        """The GUILD_CREATE payload: the guild with its text channel, @everyone role and the bot as member."""
        channel = self.channels[self.guild_channels[guild_id]]
        everyone = {"id": guild_id, "name": "@everyone", "color": 0, "hoist": False, "position": 0,
                    "permissions": MEMBER_PERMISSIONS, "managed": False, "mentionable": False, "flags": 0}
        return {
            "id": guild_id, "name": f"guild-{guild_id}", "icon": None, "owner_id": self.default_user["id"],
            "afk_timeout": 300, "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "roles": [everyone], "emojis": [], "stickers": [], "features": [],
            "mfa_level": 0, "system_channel_id": channel["id"], "preferred_locale": "en-US", "premium_tier": 0,
            "nsfw_level": 0, "joined_at": now_iso(), "large": False, "unavailable": False, "member_count": 2,
            "members": [self.member_object(self.bot_user)], "channels": [channel], "threads": [],
            "voice_states": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
        }

    def open_dm(self, user_id: str) -> dict:
        if user_id not in self.users:
            raise DiscordError(404, 10013, "Unknown User")
        if user_id not in self.dm_channels:
            channel_id = self.ids.next()
            self.dm_channels[user_id] = channel_id
            self.channels[channel_id] = {"id": channel_id, "type": 1, "last_message_id": None,
                                         "recipients": [self.users[user_id]]}
        return self.channels[self.dm_channels[user_id]]

    def find_command(self, name: str, guild_id: str | None) -> dict:
        """What a user can pick: the guild's command of that name, else the global one."""
        for scope in ([guild_id] if guild_id else []) + [None]:
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        registered = {scope: [c["name"] for c in cmds] for scope, cmds in self.commands.items()}
        raise AssertionError(f"the bot has not registered /{name}; registered: {registered}")

    def put_commands(self, guild_id: str | None, definitions: list[dict]) -> list[dict]:
        """Bulk overwrite: keeps the id of a command whose name and type are unchanged, as Discord does."""
        previous = {(c["name"], c.get("type", 1)): c["id"] for c in self.commands.get(guild_id, [])}
        stored = []
        for definition in definitions:
            kind = definition.get("type", 1)
            if kind == 1 and not 1 <= len(definition.get("description", "")) <= 100:
                raise DiscordError(400, 50035, f"Invalid Form Body: description of {definition.get('name')}")
            command = {"default_member_permissions": None, "nsfw": False, "contexts": None,
                       "integration_types": [0], "description": "", **definition, "type": kind,
                       "id": previous.get((definition["name"], kind)) or self.ids.next(),
                       "application_id": self.application_id, "version": self.ids.next()}
            if guild_id:
                command["guild_id"] = guild_id
            stored.append(command)
        self.commands[guild_id] = stored
        return stored

    def add_message(self, channel_id: str, author: dict, body: dict, uploads: dict, **fields) -> Message:
        message = Message(id=self.ids.next(), channel_id=channel_id, author=author, **fields)
        message.fill(body, uploads, editing=False)
        self.messages[message.id] = message
        return message
