"""The stand-in's world: the bot, its token, chats, messages, callback queries, commands and recorded calls."""

from __future__ import annotations

import asyncio
import secrets
import time

from .faults import ApiError, Faults, bad_request
from .files import FileStore
from .records import Call, ChatMessage
from .updates import UpdateQueue
from .webhook import Webhook


def new_media_group_id() -> str:
    """An album id; Telegram's are opaque numeric strings."""
    return str(10**17 + secrets.randbelow(9 * 10**17))


class World:
    def __init__(self, bot_username: str, token: str | None) -> None:
        self.bot = {"id": 1, "is_bot": True, "first_name": "StationThis", "username": bot_username}
        self.token: str | None = None
        if token is not None:
            self.accept_token(token)
        self.started = time.monotonic()
        self.chats: dict[int, dict] = {}
        self.messages: dict[tuple[int, int], ChatMessage] = {}
        self.callback_queries: dict[str, bool] = {}  # id -> answered
        self.commands: dict[tuple[str, str], list[dict]] = {}  # (scope JSON, language_code) -> BotCommands
        self.calls: list[Call] = []
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.faults = Faults()
        self.webhook = Webhook(self.updates, self.notify)
        self._last_id: dict[int, int] = {}
        self._changed = asyncio.Event()

    def accept_token(self, token: str) -> None:
        """The first token seen is the bot's (its numeric prefix is the bot id); any other is refused."""
        if self.token is None:
            self.token = token
            prefix = token.split(":", 1)[0]
            self.bot["id"] = int(prefix) if prefix.isdigit() else self.bot["id"]
        if token != self.token:
            raise ApiError(401, "Unauthorized")

    def chat(self, chat_id: object) -> dict:
        """The chat a chat_id parameter names, refused the way Telegram refuses it."""
        if chat_id in (None, ""):
            raise bad_request("chat_id is empty")
        try:
            return self.chats[int(chat_id)]
        except (KeyError, TypeError, ValueError):
            raise bad_request("chat not found") from None

    def open_chat(self, chat: dict) -> dict:
        known = self.chats.setdefault(chat["id"], chat)
        if known["type"] != chat["type"]:
            raise ValueError(f"chat {chat['id']} is a {known['type']} chat, not a {chat['type']} one")
        return known

    def message(self, chat_id: int, message_id: int) -> ChatMessage | None:
        found = self.messages.get((chat_id, message_id))
        return None if found is None or found.deleted else found

    def post(self, chat: dict, sender: dict, content: dict, reply_to: ChatMessage | None = None) -> ChatMessage:
        """Store a new message in `chat`; message ids count up per chat, shared by bot and users."""
        message_id = self._last_id.get(chat["id"], 0) + 1
        self._last_id[chat["id"]] = message_id
        data = {"message_id": message_id, "from": sender, "date": int(time.time()), "chat": chat}
        if reply_to is not None:
            data["reply_to_message"] = {k: v for k, v in reply_to.data.items() if k != "reply_to_message"}
        stored = ChatMessage({**data, **content})
        self.messages[(chat["id"], message_id)] = stored
        self.notify()
        return stored

    def edit(self, message: ChatMessage, changes: dict, dropped: tuple[str, ...] = ()) -> ChatMessage:
        """Apply an edit, keeping the previous version in the message's history."""
        message.history.append(message.data)
        kept = {k: v for k, v in message.data.items() if k not in dropped}
        message.data = {**kept, **changes, "edit_date": int(time.time())}
        self.notify()
        return message

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def changed(self, timeout: float) -> None:
        """Wait until the next change to calls or messages, or `timeout` seconds."""
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except TimeoutError:
            pass
