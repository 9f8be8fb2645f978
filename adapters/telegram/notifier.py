"""TelegramNotifier: one status message per job, edited in place at a chat's pace, then the result with its buttons."""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace

from telegram.error import BadRequest, TimedOut

from adapters.chat.commands import ChatCommands
from adapters.chat.messages import Button, Reply
from adapters.chat.newest_previews import NewestPreviews
from adapters.chat.ordered_tasks import OrderedTasks
from adapters.chat.render import status_buttons, status_text
from adapters.telegram.address import TelegramAddress
from adapters.telegram.lanes import ChatGone, Priority, Refused
from adapters.telegram.results import with_result
from adapters.telegram.send import CAPTION_MAX, Sender, keyboard
from domain.reply import ReplyTo
from ports.notifier import FINAL_KINDS, STATUS_KINDS, Notice, NoticeKind, StatusMessages

log = logging.getLogger(__name__)

EDIT_INTERVAL = 1.0  # Telegram allows about one message per second in a chat...
GROUP_EDIT_INTERVAL = 3.0  # ...and 20 a minute in a group
CLOSE_TIMEOUT = 10.0
UNSENDABLE = "(Telegram would not take the file itself; the buttons below still work.)"


@dataclass
class _Status:
    wanted: str  # the newest status text
    buttons: tuple[Button, ...] = ()
    shown: str = ""
    message_id: int | None = None
    photo: bool = False  # the message shows a preview, with the status as its caption
    retry: asyncio.TimerHandle | None = None  # a dropped update, tried again after the chat's interval


class TelegramNotifier:
    """Notices are delivered in order per job, in the background: a slow or flooded chat never holds up a job.
    Results go before status updates, which are dropped (and tried again later) while the chat is busy. Each
    status message is recorded in `marks`, so after a restart it is edited onward rather than left frozen."""

    def __init__(self, sender: Sender, kit: ChatCommands, marks: StatusMessages):
        self.sender, self.kit, self.marks = sender, kit, marks
        self.ready = asyncio.Event()  # set once the bot can send; notices wait for it
        self._statuses: dict[str, _Status] = {}
        self._next_edit: dict[int, float] = {}
        self._work = OrderedTasks(CLOSE_TIMEOUT)
        self._newest = NewestPreviews()  # each job's newer picture than the one shown
        self.previews = self._newest.counts

    async def notify(self, origin: ReplyTo, notice: Notice) -> None:
        address = TelegramAddress.read(origin)
        if self._work.closed or address is None:
            log.warning("telegram notice %s for chat %s dropped", notice.kind, origin.get("chat_id"))
            return
        key = notice.job.id if notice.job else f"chat:{address.chat_id}"
        if notice.job and notice.kind in STATUS_KINDS:
            text = status_text(notice)
            status = self._statuses.setdefault(key, _Status(text))
            status.wanted, status.buttons = text, status_buttons(notice.job)
            if notice.preview:
                self._newest.offer(key, notice.preview)
        self._work.run(key, lambda: self._deliver(key, address, notice),
                       f"telegram: delivering '{notice.kind}' for {key}")

    async def close(self) -> None:
        """Let notices under way finish (bounded), then stop taking new ones."""
        for status in self._statuses.values():
            if status.retry is not None:
                status.retry.cancel()
        await self._work.close()

    async def _deliver(self, key: str, origin: TelegramAddress, notice: Notice) -> None:
        await self.ready.wait()
        try:
            if notice.job and notice.kind in STATUS_KINDS:
                await self._show_status(key, origin)
            elif notice.job and notice.kind in FINAL_KINDS:
                await self._finish(key, origin, notice)
            else:
                await self.sender.send(origin.chat_id, Reply(notice.text), origin.reply_to)
        except ChatGone as gone:  # one line: the result stays in the web gallery
            log.info("telegram chat %s takes no messages (%s): %s not delivered", origin.chat_id, gone, key)

    async def _show_status(self, key: str, origin: TelegramAddress) -> None:
        """At most one status update per chat per interval, across all its jobs, so that results always find room
        under the chat's flood limit; an update with no room now is tried again later (newer ones join it). With
        a preview the status is a photo, its picture replaced in place (editMessageMedia)."""
        status, chat_id = self._statuses.get(key), origin.chat_id
        if status is None or (status.wanted == status.shown and not self._newest.waiting(key)):
            return  # finished already, or a newer notice got there first
        if status.message_id is None:  # the first notice here: one shown before a restart is edited onward
            status.message_id, status.photo = await self._marked(key, chat_id)
        if time.monotonic() < self._next_edit.get(chat_id, 0.0):
            self._again_later(key, origin, status)
            return
        self._next_edit[chat_id] = time.monotonic() + _interval(chat_id)
        text, preview = status.wanted, self._newest.waiting(key)
        self._newest.sending(key, preview)
        if status.message_id is None or (preview and not status.photo):  # a text message cannot become a photo
            shown = await self._replace(key, origin, status, text, preview)
        elif preview:
            shown = await self.sender.edit_photo(chat_id, status.message_id, preview, text, status.buttons)
        else:
            shown = await self.sender.edit(chat_id, status.message_id, text, status.buttons, caption=status.photo)
        self._newest.sent(key, preview, shown)
        if shown:
            status.shown = text
        else:
            self._again_later(key, origin, status)

    async def _replace(self, key: str, origin: TelegramAddress, status: _Status, text: str, preview: bytes) -> bool:
        """A new status message (a photo when there is a preview) in place of the old one, if any."""
        chat_id, old = origin.chat_id, status.message_id
        reply = Reply(text, image=preview or None, image_name="preview.jpg", buttons=status.buttons)
        sent = await self.sender.send(chat_id, reply, origin.reply_to, Priority.STATUS)
        if sent is None:
            return False
        status.message_id, status.photo = sent.message_id, bool(preview)
        await self.marks.put(key, {"chat_id": chat_id, "message_id": sent.message_id, "photo": status.photo})
        if old is not None:
            await self.sender.delete(chat_id, old)
        return True

    def _again_later(self, key: str, origin: TelegramAddress, status: _Status) -> None:
        """A dropped update is tried again once the chat's interval has passed (newer ones join it)."""
        if status.retry is None or status.retry.cancelled():
            def again() -> None:
                status.retry = None
                if key in self._statuses and not self._work.closed:
                    self._work.run(key, lambda: self._show_status(key, origin), f"telegram: status of {key}")
            wait = max(self._next_edit.get(origin.chat_id, 0.0) - time.monotonic(), 0.0) + 0.05
            status.retry = asyncio.get_running_loop().call_later(wait, again)

    async def _finish(self, key: str, origin: TelegramAddress, notice: Notice) -> None:
        status = self._statuses.pop(key, None)
        if status is not None and status.retry is not None:
            status.retry.cancel()
        self._newest.end(key)
        self._work.forget(key)
        chat_id, job, reply = origin.chat_id, notice.job, await self.kit.final_reply(notice)
        if job is None:
            return
        stale, photo = (status.message_id, status.photo) if status is not None and status.message_id is not None \
            else await self._marked(key, chat_id)
        if photo and stale is not None and notice.kind is not NoticeKind.SUCCEEDED \
                and await self._caption_final(chat_id, stale, reply):
            await self.marks.drop(key)  # the last preview stays, with why the job ended under it
            return
        if notice.kind is NoticeKind.SUCCEEDED and not job.long:
            result = await self.kit.result(job, self.sender.media)
            reply = await with_result(self.sender, chat_id, origin.reply_to, reply, result, self.kit.job_link(job))
        elif notice.kind is NoticeKind.SUCCEEDED:  # a training: its loss curve under the news
            curve = (await self.kit.result_images(job))[:1]
            if curve:
                reply = replace(reply, image=curve[0], image_name="loss.png")
        try:
            await self.sender.send(chat_id, reply, origin.reply_to)
        except TimedOut:  # Telegram took it but answered too late, most likely: never send a result twice
            log.warning("telegram answered the result of job %s too late; it was probably delivered", job.id)
        except (BadRequest, Refused) as error:  # a file Telegram will not take (past its limits): the words still go
            if reply.image is None:
                raise
            log.warning("telegram refused the result of job %s: %s", job.id, error)
            await self.sender.send(chat_id, replace(reply, image=None, text=f"{reply.text}\n{UNSENDABLE}"),
                                   origin.reply_to)
        if stale is not None:  # the result takes the place of the status message
            await self.sender.delete(chat_id, stale)
            await self.marks.drop(key)

    async def _caption_final(self, chat_id: int, message_id: int, reply: Reply) -> bool:
        """The last word as the caption of the status photo; False if that message cannot take it."""
        try:
            done = await self.sender.call(chat_id, self.sender.bot.edit_message_caption, Priority.RESULT, True,
                                          chat_id=chat_id, message_id=message_id, caption=reply.text[:CAPTION_MAX],
                                          reply_markup=keyboard(reply.buttons))
        except BadRequest as error:  # the user deleted it, most likely: the words go as a new message
            log.debug("the status photo in chat %s took no caption: %s", chat_id, error.message)
            return False
        return done is not None

    async def _marked(self, key: str, chat_id: int) -> tuple[int | None, bool]:
        """The status message shown for `key` (perhaps by an earlier process), and whether it is a photo."""
        try:
            where = await self.marks.get(key)
        except Exception:  # the store being down must not stop the message
            log.exception("reading the status message of %s failed", key)
            return None, False
        if not where or where.get("chat_id") != chat_id:
            return None, False
        return where["message_id"], bool(where.get("photo"))


def _interval(chat_id: int) -> float:
    return GROUP_EDIT_INTERVAL if chat_id < 0 else EDIT_INTERVAL  # group and channel ids are negative
