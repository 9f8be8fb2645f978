"""Reading Telegram messages: commands addressed to this bot, who asked, where to answer, what came along."""
from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Message, User

from adapters.chat.messages import ButtonAction, ChatRequest
from adapters.telegram.address import TelegramAddress
from domain.reply import ReplyTo

RESULT_VERBS = {a.value for a in (ButtonAction.SAVE, ButtonAction.FULL_SIZE, ButtonAction.REROLL,
                                  ButtonAction.RETRY)}
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


def request(message: Message, command: str, text: str | None, images: list[bytes], options: dict | None = None,
            bot_id: int | None = None) -> ChatRequest:
    """The chat-kit request for a message; the sender (not the group) is the one who pays."""
    user = message.from_user
    if user is None:
        raise ValueError("a message without a sender is not a request")  # handlers answer those before
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    return ChatRequest(identity=identity(user), display_name=display_name(user), command=command,
                       text=with_people_named(message, text), options=dict(options or {}), images=images,
                       origin=origin(message, user), public=public(message), handle=user.username,
                       request_key=f"telegram:{message.chat_id}:{message.message_id}",
                       replied_identity=identity(author) if author and not author.is_bot else None,
                       replied_job=job_of(replied) if author and author.id == bot_id else None)


def job_of(message: Message | None) -> str | None:
    """The job a bot message shows the result of, read from its buttons (each names its job)."""
    markup = message.reply_markup if message is not None else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            verb, _, rest = (button.callback_data if isinstance(button.callback_data, str) else "").partition(":")
            if verb in RESULT_VERBS and rest:
                return rest.split(":", 1)[0]
    return None


def with_people_named(message: Message, text: str | None) -> str | None:
    """A mention of someone without a username (a text mention) written as their identity, telegram:<id>."""
    if not text:
        return text
    found = message.parse_entities(["text_mention"]) if message.text else message.parse_caption_entities(["text_mention"])
    for entity, shown in sorted(found.items(), key=lambda e: -e[0].offset):
        if entity.user is not None and shown in text:
            text = text.replace(shown, identity(entity.user), 1)
    return text


def identity(user: User) -> str:
    return f"telegram:{user.id}"


def display_name(user: User) -> str:
    return user.full_name or user.username or str(user.id)
