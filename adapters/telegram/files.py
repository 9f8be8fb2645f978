"""Downloading the image a message carries, refusing one that is too large before fetching it."""
from __future__ import annotations

from telegram import Bot, Message
from telegram.error import BadRequest

from adapters.telegram.updates import image_file
from ports.media import MediaRejected


class ImageDownloads:
    def __init__(self, bot: Bot, max_bytes: int):
        self.bot, self.max_bytes = bot, max_bytes

    async def image_of(self, message: Message | None) -> bytes | None:
        """The bytes of the message's photo or image document; None if it has neither. Raises MediaRejected."""
        found = image_file(message)
        if found is None:
            return None
        file_id, size = found
        self._check(size)
        try:
            telegram_file = await self.bot.get_file(file_id)
        except BadRequest as error:
            raise MediaRejected(f"Telegram would not hand over that file ({error.message}); "
                                f"send images of at most {_mb(self.max_bytes)}.") from None
        self._check(telegram_file.file_size)
        data = bytes(await telegram_file.download_as_bytearray())
        self._check(len(data))
        return data

    def _check(self, size: int | None) -> None:
        if size and size > self.max_bytes:
            raise MediaRejected(f"That image is {_mb(size)}; images of at most {_mb(self.max_bytes)} are accepted.")


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size < 10_000_000 else f"{size / 1_000_000:.0f} MB"
