"""Telegram updates in, chat-kit requests through, replies out; each chat's updates are handled in order."""
from __future__ import annotations

import asyncio
import logging
import time

from telegram import CallbackQuery, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from adapters.chat.commands import ChatCommands
from adapters.chat.messages import ChatRequest, Reply
from adapters.telegram import updates
from adapters.telegram.albums import Albums, one_answer
from adapters.telegram.files import ImageDownloads
from adapters.telegram.lanes import ChatGone, Priority
from adapters.telegram.send import Sender
from ports.media import MediaRejected

log = logging.getLogger(__name__)

HINT = "Send a command, e.g. /txt2img a red fox in the snow — /help lists everything."
NOT_HERE = "StationThis answers people, not channels or anonymous admins, in private chats and groups only."
EDITED = "I only read new messages: send the command again instead of editing it."
OOPS = "Sorry, something went wrong on our side. Please try again in a moment."
DOUBLE_CLICK_SECONDS = 3.0  # the same button pressed again this soon by the same user is a double click
ALERT_MAX = 200  # Telegram's limit for a callback query answer


class UpdateHandlers:
    def __init__(self, commands: ChatCommands, sender: Sender, downloads: ImageDownloads):
        self.commands, self.sender, self.downloads = commands, sender, downloads
        self.albums = Albums(self._album_ready)
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._pressed: dict[tuple[int, str], float] = {}

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        async with self._chat_locks.setdefault(chat.id, asyncio.Lock()):
            try:
                await self._route(update)
            except Exception:
                log.exception("telegram update %s failed", update.update_id)
                await self._say(chat.id, None, [Reply(OOPS, error=True)])

    async def close(self) -> None:
        for chat_id in await self.albums.close():
            await self._album_ready(chat_id)

    async def _route(self, update: Update) -> None:
        if update.callback_query is not None:
            return await self._press(update.callback_query)
        message = update.message or update.edited_message
        if message is None:
            return
        if message.chat.type not in updates.CHAT_TYPES or message.from_user is None:
            return await self._say(message.chat_id, message.message_id, [Reply(NOT_HERE, error=True)])
        if update.edited_message is not None:
            if message.chat.type == "private" or self._command(message) is not None:
                await self._say(message.chat_id, message.message_id, [Reply(EDITED, error=True)])
            return
        await self._flush_albums(message.chat_id, keep=message.media_group_id)
        if message.media_group_id and updates.image_file(message):
            return self.albums.add(message)
        await self._say(message.chat_id, message.message_id, await self._answer(message))

    def _command(self, message: Message, text: str | None = None) -> updates.Command | None:
        return updates.command_in(text or updates.text_of(message), self.sender.bot.username)

    async def _answer(self, message: Message, album_caption: str | None = None) -> list[Reply]:
        """A command (with the photo it carries or replies to), a bare photo in a private chat, or a hint. A photo
        of an album without a caption of its own takes the album's."""
        text = updates.text_of(message) or album_caption
        command = self._command(message, text)
        try:
            if command is not None:
                image = await self.downloads.image_of(message)
                if image is None and self._takes_images(command.name):
                    image = await self.downloads.image_of(message.reply_to_message)
                request = updates.request(message, command.name, command.text, [image] if image else [],
                                          bot_id=self.sender.bot.id)
                return await self.commands.handle(request)
            if message.chat.type != "private":
                return []  # in groups the bot speaks only when spoken to
            image = await self.downloads.image_of(message)
        except MediaRejected as error:
            return [Reply(str(error), error=True)]
        if image is not None:
            return await self.commands.handle(updates.request(message, "photo", None, [image],
                                                              {"caption": text or ""}, self.sender.bot.id))
        if message.text is not None:
            return [Reply(HINT, error=True)]
        return [Reply(f"Sorry, I can't use {updates.other_content(message)}. {HINT}", error=True)]

    async def _press(self, query: CallbackQuery) -> None:
        """A button: answered at once; a double click does the work once."""
        message, user = query.message, query.from_user
        if not isinstance(message, Message):  # gone, or too old for Telegram to show the bot
            await self._alert(query, "This button has expired.")
            return
        key, now = (user.id, query.data or ""), time.monotonic()
        self._pressed = {k: t for k, t in self._pressed.items() if now - t < DOUBLE_CLICK_SECONDS}
        if key in self._pressed:
            await self._alert(query, "Already on it…", alert=False)
            return
        self._pressed[key] = now
        try:
            replies = await self.commands.press(ChatRequest(
                identity=updates.identity(user), display_name=updates.display_name(user), command=query.data or "",
                origin=updates.origin(message, user), public=updates.public(message), handle=user.username,
                request_key=f"telegram:{message.chat.id}:{message.message_id}:{query.data}"))
        finally:
            self._pressed[key] = time.monotonic()
        # A short mistake, or a short answer for the presser alone, shows to them only (an alert or a toast).
        personal = next((r for r in replies if (r.error or r.private) and r.image is None), None)
        shown = await self._alert(query, personal.text if personal else None, alert=bool(personal and personal.error))
        for reply in replies:
            if shown and reply is personal:
                continue
            if reply.replaces_pressed:
                await self.sender.edit(message.chat.id, message.message_id, reply.text, reply.buttons, Priority.RESULT)
            else:
                await self._say(message.chat.id, message.message_id, [reply])

    async def _alert(self, query: CallbackQuery, text: str | None, alert: bool = True) -> bool:
        """Answer the press; a short text shows to the presser alone. True when `text` was shown."""
        shown = text is not None and len(text) <= ALERT_MAX
        chat_id = query.message.chat.id if query.message else query.from_user.id
        try:
            await self.sender.call(chat_id, query.answer, Priority.RESULT, True, text=text if shown else None,
                                   show_alert=shown and alert)
        except (TelegramError, ChatGone) as error:
            log.info("answering a button press failed: %s", error)
            return False
        return shown

    async def _album_ready(self, chat_id: int) -> None:
        async with self._chat_locks.setdefault(chat_id, asyncio.Lock()):
            try:
                await self._flush_albums(chat_id)
            except Exception:
                log.exception("telegram album in chat %s failed", chat_id)
                await self._say(chat_id, None, [Reply(OOPS, error=True)])

    async def _flush_albums(self, chat_id: int, keep: str | None = None) -> None:
        """Each photo of an album is one request with its own caption; an album captioned once (Telegram puts that
        caption on its first photo) has it apply to every photo. The album answers once."""
        for album in self.albums.take(chat_id, keep):
            captions = [text for text in map(updates.text_of, album) if text]
            caption = captions[0] if len(captions) == 1 else None
            replies: list[Reply] = []
            for message in album:
                replies += await self._answer(message, caption)
            await self._say(chat_id, album[0].message_id, one_answer(replies))

    def _takes_images(self, command: str) -> bool:
        """Whether a command works on the photo it replies to (an image tool, or adding to a dataset)."""
        catalogue = self.commands.station.catalogue
        return command == "train" or (command in catalogue and catalogue.get(command).spec.image_param is not None)

    async def _say(self, chat_id: int, reply_to: int | None, replies: list[Reply]) -> None:
        try:
            for reply in replies:
                await self.sender.send(chat_id, reply, reply_to)
        except ChatGone as gone:
            log.info("telegram chat %s takes no messages: %s", chat_id, gone)
