"""Where a Telegram job reports: the chat, the message it answers, and who asked."""
from __future__ import annotations

from dataclasses import dataclass

from domain.reply import ReplyTo

PLATFORM = "telegram"


@dataclass(frozen=True)
class TelegramAddress:
    chat_id: int
    reply_to: int | None = None
    user_id: int | None = None

    def reply(self) -> ReplyTo:
        return ReplyTo.of(PLATFORM, chat_id=self.chat_id, reply_to=self.reply_to, user_id=self.user_id)

    @classmethod
    def read(cls, origin: ReplyTo) -> TelegramAddress | None:
        """The address a job stored, or None for one that is not a Telegram chat's."""
        chat_id = origin.get("chat_id")
        if origin.platform != PLATFORM or chat_id is None:
            return None
        reply_to, user_id = origin.get("reply_to"), origin.get("user_id")
        return cls(int(chat_id), int(reply_to) if reply_to else None, int(user_id) if user_id else None)
