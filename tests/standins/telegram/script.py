"""User actions a test plays: messages, media, albums, edits and button clicks, each queued as an Update."""

from __future__ import annotations

import io
import secrets

from PIL import Image

from .entities import command_entities
from .records import ChatMessage
from .state import World, new_media_group_id

DEFAULT_USER = {"id": 1001, "is_bot": False, "first_name": "Ada", "username": "ada", "language_code": "en"}
DEFAULT_GROUP_IDS = {"group": -4_000_000_001, "supergroup": -1_001_000_000_001}
ENTITIES_FIELD = {"text": "entities", "caption": "caption_entities"}


def _user(user: dict | int | None) -> dict:
    if user is None:
        return dict(DEFAULT_USER)
    if isinstance(user, int):
        return {"id": user, "is_bot": False, "first_name": f"User {user}"}
    return {"is_bot": False, "first_name": f"User {user['id']}", **user}


def _chat(user: dict, chat: int | None, chat_type: str) -> dict:
    if chat_type == "private":
        if chat not in (None, user["id"]):
            raise ValueError("a private chat's id is the user's id")
        names = {k: user[k] for k in ("first_name", "last_name", "username") if k in user}
        return {"id": user["id"], "type": "private", **names}
    return {"id": DEFAULT_GROUP_IDS[chat_type] if chat is None else chat, "type": chat_type, "title": "Test group"}


def _text_fields(field: str, text: str | None) -> dict:
    if text is None:
        return {}
    commands = command_entities(text)
    return {field: text, ENTITIES_FIELD[field]: commands} if commands else {field: text}


class UserScript:
    """Mixed into TelegramStandin: every action stores the message and queues the Update a bot would get."""

    world: World

    def _user_posts(self, content: dict, user, chat, chat_type, reply_to) -> ChatMessage:
        sender = _user(user)
        where = self.world.open_chat(_chat(sender, chat, chat_type))
        replied = None
        if reply_to is not None:
            replied = self.world.message(reply_to.chat_id, reply_to.message_id)
            if replied is None:
                raise AssertionError(f"no message {reply_to.message_id} in chat {reply_to.chat_id} to reply to")
        message = self.world.post(where, sender, content, replied)
        self.world.updates.push("message", message.data)
        return message

    async def user_sends(self, text, user=None, chat=None, chat_type="private", reply_to=None) -> ChatMessage:
        """A text message; /commands (also /cmd@botname) get bot_command entities as clients add them."""
        return self._user_posts(_text_fields("text", text), user, chat, chat_type, reply_to)

    async def user_sends_photo(
        self, image_bytes, caption=None, user=None, chat=None, chat_type="private", media_group_id=None, reply_to=None
    ) -> ChatMessage:
        content = {"photo": self.world.files.photo(image_bytes), **_text_fields("caption", caption)}
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        return self._user_posts(content, user, chat, chat_type, reply_to)

    async def user_sends_album(self, items, user=None, chat=None, chat_type="private") -> list[ChatMessage]:
        """`items` are (image bytes, caption or None); one message and one update per photo, one media_group_id."""
        group_id = new_media_group_id()
        return [
            await self.user_sends_photo(data, caption, user, chat, chat_type, media_group_id=group_id)
            for data, caption in items
        ]

    async def user_sends_document(
        self, data, filename, mime_type, caption=None, user=None, chat=None, chat_type="private", reply_to=None
    ) -> ChatMessage:
        suffix = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
        document = self.world.files.media(data, "document", suffix, {"file_name": filename, "mime_type": mime_type})
        content = {"document": document, **_text_fields("caption", caption)}
        return self._user_posts(content, user, chat, chat_type, reply_to)

    async def user_sends_sticker(self, image_bytes=None, emoji="👍", user=None, chat=None, chat_type="private"):
        """A static 512x512 WEBP sticker; drawn when no image is given."""
        if image_bytes is None:
            buffer = io.BytesIO()
            Image.new("RGBA", (512, 512), (255, 200, 0, 255)).save(buffer, "WEBP")
            image_bytes = buffer.getvalue()
        width, height = Image.open(io.BytesIO(image_bytes)).size
        fields = {"type": "regular", "width": width, "height": height, "is_animated": False, "is_video": False}
        sticker = self.world.files.media(image_bytes, "sticker", ".webp", {**fields, "emoji": emoji})
        return self._user_posts({"sticker": sticker}, user, chat, chat_type, None)

    async def user_sends_voice(
        self, audio_bytes, duration=1, mime_type="audio/ogg", user=None, chat=None, chat_type="private"
    ) -> ChatMessage:
        voice = self.world.files.media(audio_bytes, "voice", ".oga", {"duration": duration, "mime_type": mime_type})
        return self._user_posts({"voice": voice}, user, chat, chat_type, None)

    async def user_edits_message(self, message, new_text) -> ChatMessage:
        """The user edits their text (or caption); the bot gets an edited_message update."""
        stored = self.world.message(message.chat_id, message.message_id)
        if stored is None or stored.from_bot:
            raise AssertionError(f"the user has no message {message.message_id} in chat {message.chat_id}")
        field = "text" if "text" in stored.data else "caption"
        edited = self.world.edit(stored, _text_fields(field, new_text), dropped=(field, ENTITIES_FIELD[field]))
        self.world.updates.push("edited_message", edited.data)
        return edited

    async def user_clicks(self, message, callback_data, user=None) -> dict:
        """Press the inline button carrying `callback_data` on a bot message; returns the CallbackQuery."""
        stored = self.world.message(message.chat_id, message.message_id)
        buttons = stored.buttons if stored is not None else []
        if not any(button.get("callback_data") == callback_data for button in buttons):
            shown = [button.get("callback_data") for button in buttons]
            raise AssertionError(f"no button with callback_data {callback_data!r} on that message; it has {shown}")
        query = {
            "id": str(secrets.randbits(63)),
            "from": _user(user),
            "message": stored.data,
            "chat_instance": str(stored.chat_id),
            "data": callback_data,
        }
        self.world.callback_queries[query["id"]] = False
        self.world.updates.push("callback_query", query)
        return query
