"""Reading Telegram messages: commands addressed to this bot, who asked, where to answer, what came along."""
from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Message, User

from adapters.chat.messages import ChatRequest
from adapters.telegram.address import TelegramAddress
from domain.reply import ReplyTo

_COMMAND = re.compile(r"/([^\s@]+)(?:@(\S+))?(?:\s+(.*))?", re.DOTALL)
CHAT_TYPES = ("private", "group", "supergroup")
_OTHER_CONTENT = (("sticker", "stickers"), ("voice", "voice notes"), ("video_note", "video messages"),
                  ("animation", "GIFs"), ("video", "videos"), ("audio", "audio files"), ("location", "locations"),
                  ("contact", "contacts"), ("poll", "polls"), ("dice", "dice"))


@dataclass(frozen=True)
class Command:
    name: str
    text: str  # what followed the command, "" if nothing


def command_in(text: str | None, bot_username: str) -> Command | None:
    """'/txt2img@this_bot a fox' -> Command('txt2img', 'a fox'); None for plain text or another bot's command."""
    match = _COMMAND.fullmatch((text or "").strip())
    if match is None:
        return None
    name, addressee, rest = match.groups()
    if addressee and addressee.lower() != (bot_username or "").lower():
        return None
    return Command(name.lower(), (rest or "").strip())


def text_of(message: Message) -> str | None:
    return message.text if message.text is not None else message.caption


def image_file(message: Message | None) -> tuple[str, int | None] | None:
    """(file_id, size) of the largest photo or of an image document the message carries."""
    if message is None:
        return None
    if message.photo:
        return message.photo[-1].file_id, message.photo[-1].file_size
    document = message.document
    if document is not None and message.animation is None and (document.mime_type or "").startswith("image/"):
        return document.file_id, document.file_size
    return None


def other_content(message: Message) -> str:
    """What the message carries that the bot cannot use, in words."""
    if message.document is not None and message.animation is None:
        return "files other than images"
    return next((words for field, words in _OTHER_CONTENT if getattr(message, field, None)), "this kind of message")


def origin(message: Message, user: User) -> ReplyTo:
    """Where a job's notices go: this chat, answering this message."""
    return TelegramAddress(message.chat_id, message.message_id, user.id).reply()


def public(message: Message) -> bool:
    """A chat other people can read (groups, supergroups)."""
    return message.chat.type != "private"


def request(message: Message, command: str, text: str | None, images: list[bytes], options: dict | None = None
            ) -> ChatRequest:
    """The chat-kit request for a message; the sender (not the group) is the one who pays."""
    user = message.from_user
    if user is None:
        raise ValueError("a message without a sender is not a request")  # handlers answer those before
    return ChatRequest(identity=identity(user), display_name=display_name(user), command=command, text=text,
                       options=dict(options or {}), images=images,
                       origin=origin(message, user), public=public(message),
                       request_key=f"telegram:{message.chat_id}:{message.message_id}")


def identity(user: User) -> str:
    return f"telegram:{user.id}"


def display_name(user: User) -> str:
    return user.full_name or user.username or str(user.id)
