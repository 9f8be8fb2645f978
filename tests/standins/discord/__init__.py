"""A stand-in Discord (REST v10 + gateway) that the real discord.py connects to, for end-to-end tests."""

from .interactions import Callback, InteractionRecord
from .messages import Attachment, Message
from .pointing import discord_py_targets, point_discord_py_at
from .script import FIRST_GUILD
from .standin import DiscordStandin

__all__ = [
    "Attachment", "Callback", "DiscordStandin", "FIRST_GUILD", "InteractionRecord", "Message",
    "discord_py_targets", "point_discord_py_at",
]
