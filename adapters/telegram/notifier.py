"""TelegramNotifier: one status message per job, edited in place at a chat's pace, then the result with its buttons."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from telegram.error import TelegramError

from adapters.chat.messages import Reply
from adapters.chat.ordered_tasks import OrderedTasks
from adapters.chat.render import render_notice
from adapters.telegram.address import TelegramAddress
from adapters.telegram.send import Sender
from domain.jobs import Job
from domain.reply import ReplyTo
from ports.notifier import FINAL_KINDS, STATUS_KINDS, Notice, NoticeKind, StatusMessages

log = logging.getLogger(__name__)

EDIT_INTERVAL = 1.0  # Telegram allows about one message per second in a chat...
GROUP_EDIT_INTERVAL = 3.0  # ...and 20 a minute in a group
CLOSE_TIMEOUT = 10.0
UNSENDABLE = "(Telegram would not take the image file itself; the buttons below still work.)"


@dataclass
class _Status:
    wanted: str  # the newest status text
    shown: str = ""
    message_id: int | None = None


class TelegramNotifier:
    """Notices are delivered in order per job, in the background: a slow or flooded chat never holds up a job.
    Each status message is also recorded in `marks`, so after a restart it is edited onward (and replaced by
    the result) rather than left frozen beside a second one."""

    def __init__(self, sender: Sender, result_images: Callable[[Job], Awaitable[list[bytes]]],
                 marks: StatusMessages):
        self.sender, self.result_images, self.marks = sender, result_images, marks
        self.ready = asyncio.Event()  # set once the bot can send; notices wait for it
        self._statuses: dict[str, _Status] = {}
        self._next_edit: dict[int, float] = {}
        self._work = OrderedTasks(CLOSE_TIMEOUT)

    async def notify(self, origin: ReplyTo, notice: Notice) -> None:
        address = TelegramAddress.read(origin)
        if self._work.closed or address is None:
            log.warning("telegram notice %s for chat %s dropped", notice.kind, origin.get("chat_id"))
            return
        key = notice.job.id if notice.job else f"chat:{address.chat_id}"
        if notice.job and notice.kind in STATUS_KINDS:
            text = render_notice(notice).text
            self._statuses.setdefault(key, _Status(text)).wanted = text
        self._work.run(key, lambda: self._deliver(key, address, notice),
                       f"telegram: delivering '{notice.kind}' for {key}")

    async def close(self) -> None:
        """Let notices under way finish (bounded), then stop taking new ones."""
        await self._work.close()

    async def _deliver(self, key: str, origin: TelegramAddress, notice: Notice) -> None:
        await self.ready.wait()
        if notice.job and notice.kind in STATUS_KINDS:
            await self._show_status(key, origin)
        elif notice.job and notice.kind in FINAL_KINDS:
            await self._finish(key, origin, notice)
        else:
            await self.sender.send(origin.chat_id, Reply(notice.text), origin.reply_to)

    async def _show_status(self, key: str, origin: TelegramAddress) -> None:
        status, chat_id = self._statuses.get(key), origin.chat_id
        if status is None or status.wanted == status.shown:
            return  # finished already, or a newer notice got there first
        if status.message_id is None:  # the first notice here: one shown before a restart is edited onward
            status.message_id = await self._marked(key, chat_id)
        if status.message_id is None:
            text = status.wanted
            sent = await self.sender.send(chat_id, Reply(text), origin.reply_to)
            status.message_id, status.shown = sent.message_id, text
            self._next_edit[chat_id] = time.monotonic() + _interval(chat_id)
            await self.marks.put(key, {"chat_id": chat_id, "message_id": sent.message_id})
            return
        delay = self._next_edit.get(chat_id, 0.0) - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        self._next_edit[chat_id] = time.monotonic() + _interval(chat_id)
        text = status.wanted
        await self.sender.edit(chat_id, status.message_id, text)
        status.shown = text

    async def _finish(self, key: str, origin: TelegramAddress, notice: Notice) -> None:
        status = self._statuses.pop(key, None)
        self._work.forget(key)
        chat_id, job, reply = origin.chat_id, notice.job, render_notice(notice)
        if job is None:
            return
        images = await self.result_images(job) if notice.kind is NoticeKind.SUCCEEDED else []
        if len(images) > 1:  # a batch: every picture as an album, then the caption and buttons after it
            names = [f"{job.tool}_{job.id[:8]}_{n}.png" for n in range(1, len(images) + 1)]
            await self.sender.send_album(chat_id, images, names, origin.reply_to)
        elif images:
            reply = replace(reply, image=images[0], image_name=f"{job.tool}_{job.id[:8]}.png")
        try:
            await self.sender.send(chat_id, reply, origin.reply_to)
        except TelegramError as error:  # e.g. a file past the server's upload limit: the words still go
            if reply.image is None:
                raise
            log.warning("telegram refused the result of job %s: %s", job.id, error)
            await self.sender.send(chat_id, replace(reply, image=None, text=f"{reply.text}\n{UNSENDABLE}"),
                                   origin.reply_to)
        stale = status.message_id if status is not None and status.message_id is not None \
            else await self._marked(key, chat_id)
        if stale is not None:  # the result takes the place of the status message
            await self.sender.delete(chat_id, stale)
            await self.marks.drop(key)

    async def _marked(self, key: str, chat_id: int) -> int | None:
        try:
            where = await self.marks.get(key)
        except Exception:  # the store being down must not stop the message
            log.exception("reading the status message of %s failed", key)
            return None
        return where["message_id"] if where and where.get("chat_id") == chat_id else None


def _interval(chat_id: int) -> float:
    return GROUP_EDIT_INTERVAL if chat_id < 0 else EDIT_INTERVAL  # group and channel ids are negative
