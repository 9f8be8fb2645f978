"""A stand-in Telegram Bot API server that the real python-telegram-bot talks to, for end-to-end tests."""

from .records import Call, ChatMessage, Upload
from .standin import TelegramStandin

__all__ = ["Call", "ChatMessage", "TelegramStandin", "Upload"]
