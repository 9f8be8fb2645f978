"""The Telegram stand-in, driven by the real python-telegram-bot as a bot under test would drive it."""

from __future__ import annotations

import asyncio
import io
import time
from contextlib import asynccontextmanager

import pytest
from PIL import Image
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Update,
)
from telegram.error import BadRequest, Conflict, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.bounded import bounded
from tests.standins.telegram import Call, ChatMessage, TelegramStandin

TOKEN = "123:ABC"
TEST_SECONDS = 20
USER_ID = 1001  # the stand-in's default user; a private chat's id is its user's id


def image(width: int, height: int, color: str = "teal", kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, kind)
    return buffer.getvalue()


@asynccontextmanager
async def running_bot(tg: TelegramStandin, *handlers):
    """A real PTB Application polling the stand-in with the given handlers."""
    app = Application.builder().token(TOKEN).base_url(f"{tg.url}/bot").base_file_url(f"{tg.url}/file/bot").build()
    for handler in handlers:
        app.add_handler(handler)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def bot_said(text: str):
    return lambda item: isinstance(item, ChatMessage) and item.text == text


def answered(method: str):
    return lambda item: isinstance(item, Call) and item.method == method and item.ok


@bounded(TEST_SECONDS)
async def test_a_command_round_trip_reaches_the_handler_and_its_reply_lands_in_the_chat():
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"echo: {' '.join(context.args)}", do_quote=True)

    async with TelegramStandin() as tg, running_bot(tg, CommandHandler("echo", echo)):
        asked = await tg.user_sends(f"/echo@{tg.bot_username} hello there")
        reply = await tg.wait_for(bot_said("echo: hello there"))

        assert asked.data["entities"] == [{"type": "bot_command", "offset": 0, "length": 21}]
        assert reply.data["reply_to_message"]["message_id"] == asked.message_id
        assert [m.text for m in tg.messages_in(USER_ID)] == ["echo: hello there"]
        assert tg.token == TOKEN and tg.calls("getMe")[0].response["result"]["username"] == "stationthis_bot"


@bounded(TEST_SECONDS)
async def test_in_a_group_only_commands_addressed_to_this_bot_are_handled():
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"echo: {' '.join(context.args)}")

    async with TelegramStandin(bot_username="render_bot") as tg, running_bot(tg, CommandHandler("echo", echo)):
        await tg.user_sends("/echo@some_other_bot one", chat_type="supergroup")
        await tg.user_sends("/echo@render_bot two", user={"id": 2002, "username": "bea"}, chat_type="supergroup")
        reply = await tg.wait_for(bot_said("echo: two"))

        assert reply.data["chat"] == {"id": -1_001_000_000_001, "type": "supergroup", "title": "Test group"}
        assert [m.text for m in tg.messages_in(reply.chat_id)] == ["echo: two"]
        assert [m.data["from"]["id"] for m in tg.messages_in(reply.chat_id, include_user=True)] == [1001, 2002, 123]


@bounded(TEST_SECONDS)
async def test_a_photo_the_user_sends_is_downloaded_by_the_bot_through_get_file():
    downloaded: list[bytes] = []

    async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        photo_file = await update.message.photo[-1].get_file()
        downloaded.append(bytes(await photo_file.download_as_bytearray()))
        await update.message.reply_text(f"{len(update.message.photo)} sizes")

    original = image(1000, 600)
    async with TelegramStandin() as tg, running_bot(tg, MessageHandler(filters.PHOTO, on_photo)):
        sent = await tg.user_sends_photo(original, caption="make it pop")
        await tg.wait_for(bot_said("4 sizes"))

        assert downloaded == [original]
        sizes = sent.data["photo"]
        assert [(s["width"], s["height"]) for s in sizes] == [(90, 54), (320, 192), (800, 480), (1000, 600)]
        assert tg.calls("getFile")[0].response["result"]["file_path"].startswith("photos/")


@bounded(TEST_SECONDS)
async def test_documents_stickers_and_voice_notes_from_the_user_reach_the_bot_with_their_files():
    received: list[tuple[str, bytes]] = []

    async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        media = update.message.document or update.message.sticker or update.message.voice
        received.append((type(media).__name__, bytes(await (await media.get_file()).download_as_bytearray())))

    kinds = filters.Document.ALL | filters.Sticker.ALL | filters.VOICE
    async with TelegramStandin() as tg, running_bot(tg, MessageHandler(kinds, on_media)):
        document = await tg.user_sends_document(b"a,b\n1,2\n", "data.csv", "text/csv", caption="/train on this")
        sticker = await tg.user_sends_sticker(emoji="🔥")
        await tg.user_sends_voice(b"OggS not really", duration=2)
        await tg.wait_for(lambda item: len(received) == 3)

        assert received[0] == ("Document", b"a,b\n1,2\n") and received[2] == ("Voice", b"OggS not really")
        assert received[1][0] == "Sticker" and len(received[1][1]) == sticker.data["sticker"]["file_size"]
        assert document.data["caption_entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


@bounded(TEST_SECONDS)
async def test_an_album_arrives_as_several_updates_sharing_one_media_group_id():
    seen: list[tuple[str, str | None]] = []

    async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append((update.message.media_group_id, update.message.caption))

    async with TelegramStandin() as tg, running_bot(tg, MessageHandler(filters.PHOTO, on_photo)):
        album = await tg.user_sends_album([(image(64, 64, "red"), "first"), (image(64, 64, "blue"), None)])
        await tg.wait_for(lambda item: len(seen) == 2)

        assert len({group for group, _ in seen}) == 1
        assert seen[0] == (album[0].data["media_group_id"], "first")
        assert seen[1][1] is None


@bounded(TEST_SECONDS)
async def test_an_inline_keyboard_click_reaches_the_callback_handler_and_the_answer_is_recorded():
    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="choice:yes")]])
        await update.message.reply_text("Proceed?", reply_markup=keyboard)

    async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("noted")
        await update.callback_query.edit_message_text(f"chose {update.callback_query.data}")

    handlers = (CommandHandler("menu", menu), CallbackQueryHandler(chosen))
    async with TelegramStandin() as tg, running_bot(tg, *handlers):
        await tg.user_sends("/menu")
        prompt = await tg.wait_for(bot_said("Proceed?"))
        query = await tg.user_clicks(prompt, "choice:yes")
        answer = await tg.wait_for(answered("answerCallbackQuery"))
        await tg.wait_for(bot_said("chose choice:yes"))

        assert answer.params["callback_query_id"] == query["id"] and answer.params["text"] == "noted"
        assert prompt.history[0]["text"] == "Proceed?" and prompt.reply_markup is None
        with pytest.raises(AssertionError, match="no button with callback_data 'choice:no'"):
            await tg.user_clicks(prompt, "choice:no")


@bounded(TEST_SECONDS)
async def test_editing_a_message_to_the_same_text_is_refused_as_not_modified():
    async with TelegramStandin() as tg, running_bot(tg) as app:
        await tg.user_sends("hi")
        sent = await app.bot.send_message(USER_ID, "progress: 50%")
        await app.bot.edit_message_text("progress: 90%", USER_ID, sent.message_id)
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await app.bot.edit_message_text("progress: 90%", USER_ID, sent.message_id)
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await app.bot.edit_message_text("lost", USER_ID, 999)

        refused = tg.calls("editMessageText")[1].response
        assert refused["error_code"] == 400 and refused["description"].startswith("Bad Request: message is not modified")
        [message] = tg.messages_in(USER_ID)
        assert message.text == "progress: 90%" and [v["text"] for v in message.history] == ["progress: 50%"]


@bounded(TEST_SECONDS)
async def test_a_queued_rate_limit_fault_is_seen_by_ptb_as_retry_after():
    async with TelegramStandin() as tg, running_bot(tg) as app:
        await tg.user_sends("hi")
        tg.fail_next("sendMessage", retry_after=3)
        with pytest.raises(RetryAfter, match="Retry in 3"):
            await app.bot.send_message(USER_ID, "first try")
        await app.bot.send_message(USER_ID, "second try")

        assert tg.calls("sendMessage")[0].response == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        }
        assert [m.text for m in tg.messages_in(USER_ID)] == ["second try"]


@bounded(TEST_SECONDS)
async def test_the_flood_rule_answers_429_once_edits_in_one_chat_come_too_fast():
    async with TelegramStandin() as tg, running_bot(tg) as app:
        await tg.user_sends("hi")
        sent = await app.bot.send_message(USER_ID, "0%")
        tg.limit_rate(max_calls=2, per_seconds=60, retry_after=5)
        await app.bot.edit_message_text("10%", USER_ID, sent.message_id)
        await app.bot.edit_message_text("20%", USER_ID, sent.message_id)
        with pytest.raises(RetryAfter, match="Retry in 5"):
            await app.bot.edit_message_text("30%", USER_ID, sent.message_id)
        tg.stop_limiting_rate()
        await app.bot.edit_message_text("40%", USER_ID, sent.message_id)

        assert tg.messages_in(USER_ID)[0].text == "40%"


@bounded(TEST_SECONDS)
async def test_an_oversized_photo_is_refused_and_nothing_is_sent():
    async with TelegramStandin() as tg, running_bot(tg) as app:
        await tg.user_sends("hi")
        with pytest.raises(BadRequest, match="(?i)photo_invalid_dimensions"):
            await app.bot.send_photo(USER_ID, photo=image(9000, 1200, kind="JPEG"))
        with pytest.raises(BadRequest, match="(?i)photo_save_file_invalid"):
            await app.bot.send_photo(USER_ID, photo=b"\0" * (10 * 1024 * 1024 + 1))

        assert [c.response["description"] for c in tg.calls("sendPhoto")] == [
            "Bad Request: PHOTO_INVALID_DIMENSIONS",
            "Bad Request: PHOTO_SAVE_FILE_INVALID",
        ]
        assert tg.messages_in(USER_ID) == []


@bounded(TEST_SECONDS)
async def test_the_bot_sends_an_album_and_a_document_whose_bytes_the_test_can_inspect():
    first, second, report = image(300, 200, "red"), image(200, 300, "blue"), b"%PDF-1.4 tiny"
    async with TelegramStandin() as tg, running_bot(tg) as app:
        await tg.user_sends("hi")
        album = await app.bot.send_media_group(USER_ID, [InputMediaPhoto(first, caption="a"), InputMediaPhoto(second)])
        document = await app.bot.send_document(USER_ID, document=report, filename="report.pdf")
        again = await app.bot.send_photo(USER_ID, photo=album[0].photo[-1].file_id)

        assert len({m.media_group_id for m in album}) == 1 and album[0].caption == "a"
        assert sorted(u.data for u in tg.calls("sendMediaGroup")[0].files.values()) == sorted([first, second])
        assert document.document.file_name == "report.pdf"
        assert tg.calls("sendDocument")[0].files["document"].data == report
        assert (again.photo[-1].width, again.photo[-1].height) == (300, 200)
        with pytest.raises(BadRequest, match="(?i)too many messages to send as an album"):
            await app.bot.send_media_group(USER_ID, [InputMediaPhoto(first)] * 11)


@bounded(TEST_SECONDS)
async def test_formatted_text_is_stored_plain_with_entities_and_broken_markup_is_refused():
    async with TelegramStandin() as tg, running_bot(tg) as app:
        await tg.user_sends("hi")
        sent = await app.bot.send_message(USER_ID, "<b>Done</b> &amp; dusted", parse_mode="HTML")
        with pytest.raises(BadRequest):
            await app.bot.send_message(USER_ID, "<p>para</p>", parse_mode="HTML")
        with pytest.raises(BadRequest):
            await app.bot.send_message(USER_ID, "Version 1.0", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest):
            await app.bot.send_message(USER_ID, "x" * 4097)

        assert sent.text == "Done & dusted" and sent.entities[0].type == "bold" and sent.entities[0].length == 4
        assert [c.response.get("description") for c in tg.calls("sendMessage")[1:]] == [
            'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 0',
            "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
            "Bad Request: message is too long",
        ]


@bounded(TEST_SECONDS)
async def test_commands_the_bot_sets_can_be_read_back_and_bad_names_are_refused():
    async with TelegramStandin() as tg, running_bot(tg) as app:
        await app.bot.set_my_commands([("make", "Make an image"), ("help", "How it works")])
        commands = await app.bot.get_my_commands()
        with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
            await app.bot.set_my_commands([("no-dashes", "Invalid")])

        assert [(c.command, c.description) for c in commands] == [("make", "Make an image"), ("help", "How it works")]


@bounded(TEST_SECONDS)
async def test_a_user_edit_reaches_the_bot_as_an_edited_message():
    edits: list[str] = []

    async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        edits.append(update.edited_message.text)

    async with TelegramStandin() as tg, running_bot(tg, MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit)):
        original = await tg.user_sends("a cat")
        await tg.user_edits_message(original, "a red cat")
        await tg.wait_for(lambda item: edits == ["a red cat"])

        assert original.history[0]["text"] == "a cat" and "edit_date" in original.data


@bounded(TEST_SECONDS)
async def test_long_polling_returns_as_soon_as_an_update_arrives():
    async with TelegramStandin() as tg, Bot(TOKEN, base_url=f"{tg.url}/bot") as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=10))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await tg.user_sends("wake up")
        [update] = await poll

        assert update.message.text == "wake up" and time.monotonic() - started < 2
        assert [pending["update_id"] for pending in tg.pending_updates] == [update.update_id]
        await bot.get_updates(offset=update.update_id + 1)
        assert tg.pending_updates == []


@bounded(TEST_SECONDS)
async def test_another_token_is_refused_as_unauthorized():
    async with TelegramStandin(token=TOKEN) as tg:
        with pytest.raises(InvalidToken):
            await Bot("999:XYZ", base_url=f"{tg.url}/bot").initialize()
        assert tg.sent[0].response == {"ok": False, "error_code": 401, "description": "Unauthorized"}


@bounded(TEST_SECONDS)
async def test_wait_for_names_what_it_saw_when_nothing_matches():
    async with TelegramStandin() as tg:
        await tg.user_sends("hello")
        with pytest.raises(AssertionError, match=r"(?s)within 0.2s.*from ada: 'hello'"):
            await tg.wait_for(lambda item: False, timeout=0.2)


@asynccontextmanager
async def webhook_receiver(status: int = 200):
    """A tiny HTTP server on 127.0.0.1 recording each POST's secret header and JSON body."""
    from aiohttp import web

    received: list[tuple[str | None, dict]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response(status=status)

    app = web.Application()
    app.router.add_post("/hooks/telegram", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/hooks/telegram", received
    finally:
        await runner.cleanup()


@bounded(TEST_SECONDS)
async def test_while_a_webhook_is_set_updates_are_posted_with_the_secret_and_get_updates_conflicts():
    async with TelegramStandin() as tg, Bot(TOKEN, base_url=f"{tg.url}/bot") as bot, \
            webhook_receiver() as (url, received):
        assert await bot.set_webhook(url, secret_token="s3cret_-token", allowed_updates=["message"])
        message = await tg.user_sends("/start")
        await tg.wait_for(lambda item: received)

        assert received == [("s3cret_-token", {"update_id": 1, "message": message.data})]
        with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
            await bot.get_updates()
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0

        assert await bot.delete_webhook()
        await tg.user_sends("polled again")
        [update] = await bot.get_updates()
        assert update.message.text == "polled again" and (await bot.get_webhook_info()).url == ""


@bounded(TEST_SECONDS)
async def test_a_failing_webhook_is_retried_then_its_error_is_reported_and_a_bad_secret_is_refused():
    async with TelegramStandin() as tg, Bot(TOKEN, base_url=f"{tg.url}/bot") as bot, \
            webhook_receiver(status=500) as (url, received):
        with pytest.raises(BadRequest, match="(?i)secret token contains unallowed characters"):
            await bot.set_webhook(url, secret_token="not allowed!")
        with pytest.raises(BadRequest, match="(?i)an https url must be provided"):
            await bot.set_webhook("http://station.example/hooks/telegram")
        await bot.set_webhook(url, secret_token="abc")
        await tg.user_sends("hello")
        await tg.wait_for(lambda item: len(tg.webhook.deliveries) >= 3)

        assert {d.status for d in tg.webhook.deliveries} == {500} and len(received) >= 3
        assert "Wrong response from the webhook: 500" in (await bot.get_webhook_info()).last_error_message
