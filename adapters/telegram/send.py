"""Sending to Telegram: replies as text, photos or documents with buttons, each chat waiting out its RetryAfter."""
from __future__ import annotations

import asyncio
import logging
import time
import warnings
from datetime import timedelta

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
from telegram.error import BadRequest, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from adapters.chat.messages import Button, Reply
from ports.media import MediaProcessor, MediaRejected

log = logging.getLogger(__name__)

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDES = 10_000  # width + height
PHOTO_MAX_RATIO = 20
CAPTION_MAX = 1024
TEXT_MAX = 4096
BUTTONS_PER_ROW = 3
ALBUM_MAX = 10
MAX_ATTEMPTS = 20


class Sender:
    def __init__(self, bot: Bot, media: MediaProcessor):
        self.bot, self.media = bot, media
        self._quiet_until: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    async def call(self, chat_id: int, method, /, **kwargs):
        """One Bot API call for `chat_id`, one at a time per chat; a 429 makes that chat wait `retry_after`."""
        async with self._locks.setdefault(chat_id, asyncio.Lock()):
            for attempt in range(1, MAX_ATTEMPTS + 1):
                delay = self._quiet_until.get(chat_id, 0.0) - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                try:
                    return await method(**kwargs)
                except RetryAfter as error:
                    if attempt == MAX_ATTEMPTS:
                        raise
                    wait = retry_seconds(error)
                    log.info("telegram asked chat %s to wait %.0f s", chat_id, wait)
                    self._quiet_until[chat_id] = time.monotonic() + wait

    async def send(self, chat_id: int, reply: Reply, reply_to: int | None = None) -> Message:
        """Text, or an image as a photo when Telegram's photo limits allow and as a document otherwise."""
        common = {"chat_id": chat_id, "reply_markup": keyboard(reply.buttons),
                  "reply_parameters": ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None}
        if reply.image is None:
            *first, last = chunks(reply.text)
            for part in first:
                await self.call(chat_id, self.bot.send_message, chat_id=chat_id, text=part,
                                reply_parameters=common["reply_parameters"])
            return await self.call(chat_id, self.bot.send_message, text=last, **common)
        caption = reply.text if len(reply.text) <= CAPTION_MAX else None
        sent = await self._image(reply, reply.image, caption, common)
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

    async def _image(self, reply: Reply, image: bytes, caption: str | None, common: dict) -> Message:
        chat_id = common["chat_id"]
        if not reply.as_document and self.fits_photo(image):
            try:
                return await self.call(chat_id, self.bot.send_photo, caption=caption,
                                       photo=InputFile(image, filename=reply.image_name), **common)
            except BadRequest as error:
                log.info("telegram refused a photo (%s); sending it as a document", error.message)
        return await self.call(chat_id, self.bot.send_document, caption=caption,
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

    async def edit(self, chat_id: int, message_id: int, text: str) -> None:
        try:
            await self.call(chat_id, self.bot.edit_message_text, chat_id=chat_id, message_id=message_id,
                            text=text[:TEXT_MAX])
        except BadRequest as error:  # not modified, or the user deleted it
            log.debug("status edit in chat %s skipped: %s", chat_id, error.message)

    async def delete(self, chat_id: int, message_id: int) -> None:
        try:
            await self.call(chat_id, self.bot.delete_message, chat_id=chat_id, message_id=message_id)
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


def retry_seconds(error: RetryAfter) -> float:
    """Seconds to wait, whether PTB gives a number or (PTB_TIMEDELTA=true, its future default) a timedelta."""
    with warnings.catch_warnings():  # PTB 22 warns on every read that the number will become a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
