"""Sending to Telegram: replies as text, photos or documents with buttons, albums, edits, through each chat's lane."""
from __future__ import annotations

import logging
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaDocument,
    InputMediaPhoto,
    Message,
    ReplyParameters,
)
from telegram.error import BadRequest

from adapters.chat.messages import Button, Reply
from adapters.telegram.lanes import Lanes, Priority
from ports.media import MediaProcessor, MediaRejected

log = logging.getLogger(__name__)

PHOTO_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # any file a bot sends (a local Bot API server allows more; we assume the cloud)
PHOTO_MAX_SIDES = 10_000  # width + height
PHOTO_MAX_RATIO = 20
CAPTION_MAX = 1024
TEXT_MAX = 4096
BUTTONS_PER_ROW = 3
ALBUM_MAX = 10


class Sender:
    def __init__(self, bot: Bot, media: MediaProcessor):
        self.bot, self.media = bot, media
        self.lanes = Lanes()

    async def call(self, chat_id: int, method: Any, priority: Priority = Priority.RESULT, repeatable: bool = False,
                   /, **kwargs: Any) -> Any:
        return await self.lanes.call(chat_id, method, priority, repeatable, **kwargs)

    async def send(self, chat_id: int, reply: Reply, reply_to: int | None = None,
                   priority: Priority = Priority.RESULT) -> Message | None:
        """Text, or an image as a photo when Telegram's photo limits allow and as a document otherwise; an album
        first if the reply has one. None if a status update was dropped."""
        if reply.album:
            await self.send_album(chat_id, [data for _, data in reply.album], [name for name, _ in reply.album],
                                  reply_to)
        common: dict[str, Any] = {"chat_id": chat_id, "reply_markup": keyboard(reply.buttons),
                  "reply_parameters": ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None}
        if reply.image is None:
            *first, last = chunks(reply.text)
            for part in first:
                await self.call(chat_id, self.bot.send_message, chat_id=chat_id, text=part,
                                reply_parameters=common["reply_parameters"])
            return await self.call(chat_id, self.bot.send_message, priority, text=last, **common)
        caption = reply.text if len(reply.text) <= CAPTION_MAX else None
        sent = await self._image(reply, reply.image, caption, common, priority)
        if caption is None:
            await self.send(chat_id, Reply(reply.text), reply_to)
        return sent

    async def send_album(self, chat_id: int, images: list[bytes], names: list[str],
                         reply_to: int | None = None) -> None:
        """Up to ten pictures as one album (documents if any is past a photo's limits)."""
        as_photos = all(self.fits_photo(image) for image in images)
        kind = InputMediaPhoto if as_photos else InputMediaDocument
        media = [kind(image, filename=name) for image, name in zip(images[:ALBUM_MAX], names)]
        await self.call(chat_id, self.bot.send_media_group, chat_id=chat_id, media=media,
                        reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
                        if reply_to else None)

    async def _image(self, reply: Reply, image: bytes, caption: str | None, common: dict,
                     priority: Priority = Priority.RESULT) -> Message | None:
        """A picture as a photo, an animation (GIF) with sendAnimation, a video with sendVideo; a document when
        Telegram's limits or formats say no."""
        chat_id = common["chat_id"]
        playable = {"animation": (self.bot.send_animation, "animation"), "video": (self.bot.send_video, "video")}
        if reply.kind in playable:
            method, field = playable[reply.kind]
            try:
                return await self.call(chat_id, method, priority, caption=caption,
                                       **{field: InputFile(image, filename=reply.image_name)}, **common)
            except BadRequest as error:
                log.info("telegram refused a %s (%s); sending it as a document", reply.kind, error.message)
        elif reply.kind == "image" and not reply.as_document and self.fits_photo(image):
            try:
                return await self.call(chat_id, self.bot.send_photo, priority, caption=caption,
                                       photo=InputFile(image, filename=reply.image_name), **common)
            except BadRequest as error:
                log.info("telegram refused a photo (%s); sending it as a document", error.message)
        return await self.call(chat_id, self.bot.send_document, priority, caption=caption,
                               document=InputFile(image, filename=reply.image_name), **common)

    def fits_photo(self, data: bytes) -> bool:
        """At most 10 MB, width + height at most 10000, sides at most 20:1."""
        if len(data) > PHOTO_MAX_BYTES:
            return False
        try:
            info = self.media.inspect(data)
        except MediaRejected:
            return False
        small, large = sorted((info.width, info.height))
        return info.width + info.height <= PHOTO_MAX_SIDES and large <= PHOTO_MAX_RATIO * small

    async def edit(self, chat_id: int, message_id: int, text: str, buttons: tuple[Button, ...] = (),
                   priority: Priority = Priority.STATUS, caption: bool = False) -> bool:
        """False when a status edit was dropped (the chat is busy); an edit Telegram refuses is left as it was.
        `caption`: the message is a photo, whose caption is its text."""
        if caption:
            return await self._edit(chat_id, self.bot.edit_message_caption, priority, chat_id=chat_id,
                                    message_id=message_id, caption=text[:CAPTION_MAX], reply_markup=keyboard(buttons))
        return await self._edit(chat_id, self.bot.edit_message_text, priority, chat_id=chat_id, message_id=message_id,
                                text=text[:TEXT_MAX], reply_markup=keyboard(buttons))

    async def edit_photo(self, chat_id: int, message_id: int, image: bytes, caption: str,
                         buttons: tuple[Button, ...] = (), priority: Priority = Priority.STATUS) -> bool:
        """Put a new picture and caption in a photo message (editMessageMedia); False when dropped."""
        media = InputMediaPhoto(image, caption=caption[:CAPTION_MAX], filename="preview.jpg")
        return await self._edit(chat_id, self.bot.edit_message_media, priority, chat_id=chat_id,
                                message_id=message_id, media=media, reply_markup=keyboard(buttons))

    async def _edit(self, chat: int, method: Any, priority: Priority, /, **kwargs: Any) -> bool:
        try:
            done = await self.call(chat, method, priority, True, **kwargs)
        except BadRequest as error:  # not modified, or the user deleted it
            log.debug("edit in chat %s skipped: %s", chat, error.message)
            return True
        return done is not None

    async def delete(self, chat_id: int, message_id: int) -> None:
        try:
            await self.call(chat_id, self.bot.delete_message, Priority.TIDY, True, chat_id=chat_id,
                            message_id=message_id)
        except BadRequest as error:
            log.debug("deleting message %s in chat %s failed: %s", message_id, chat_id, error.message)


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    keys = [InlineKeyboardButton(b.label, callback_data=b.action) for b in buttons]
    return InlineKeyboardMarkup([keys[i:i + BUTTONS_PER_ROW] for i in range(0, len(keys), BUTTONS_PER_ROW)])


def chunks(text: str) -> list[str]:
    """Text in messages of at most 4096 characters, split at line ends where possible."""
    parts: list[str] = []
    rest = text or "…"
    while len(rest) > TEXT_MAX:
        cut = rest.rfind("\n", 0, TEXT_MAX)
        cut = cut if cut > 0 else TEXT_MAX
        parts.append(rest[:cut])
        rest = rest[cut:].lstrip("\n") or "…"
    return parts + [rest]
