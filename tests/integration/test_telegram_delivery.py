"""Getting results to Telegram: oversize images as documents, 429 storms, double clicks, groups."""
from __future__ import annotations

import asyncio
import io
import os
from dataclasses import dataclass

import pytest
from PIL import Image

from tests.bounded import bounded
from tests.e2e.telegram_harness import (
    USER,
    balance,
    bot_media,
    bot_message,
    calls,
    grant,
    photos,
    running_station,
)
from tests.fakes import FakeEngine
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin

GROUP = -1_001_000_000_001  # the stand-in's default supergroup
BEA = {"id": 2002, "first_name": "Bea", "username": "bea"}


@dataclass
class BigResultEngine(FakeEngine):
    """A worker whose every result is the given image."""

    result: bytes = b""

    async def fetch(self, output) -> bytes:
        return self.result


def big_png(width: int, height: int, noisy: bool = False) -> bytes:
    pixels = os.urandom(width * height * 3) if noisy else b"\x30\x60\x90" * (width * height)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


# Only the follow-ups that fit are offered: no picture past the pixel limit is varied or upscaled again.
@pytest.mark.parametrize("width, height, noisy, offered", [(6000, 4100, False, ["r:", "s:", "f:"]),
                                                           (1900, 1900, True, ["r:", "v:", "s:", "f:"])],
                         ids=["sides-over-10000", "over-10-MB"])
@bounded(90)
async def test_a_result_over_telegrams_photo_limits_arrives_as_a_document_with_its_caption_and_buttons(
        tmp_path, width, height, noisy, offered):
    image = big_png(width, height, noisy)
    assert noisy == (len(image) > 10 * 1024 * 1024)
    engine = BigResultEngine(result=image)
    async with TelegramStandin() as tg, running_station(tmp_path, tg, engines=[engine]) as app:
        await grant(app, f"telegram:{USER}", 50)
        await tg.user_sends("/txt2img a very large fox")
        result = await tg.wait_for(bot_media("document", "a very large fox", "cost 7 points"), timeout=30)

        assert tg.calls("sendPhoto") == []
        assert result.data["document"]["file_size"] == len(image)
        assert [b["callback_data"][:2] for b in result.buttons] == offered
        await tg.user_clicks(result, result.buttons[-1]["callback_data"])
        full = await tg.wait_for(bot_media("document", "Full resolution"))
        assert full.data["document"]["file_size"] == len(image)


@bounded(90)
async def test_a_429_storm_slows_the_bot_down_but_loses_no_reply(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.05) as comfy, \
            running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 50)
        tg.fail_next("sendMessage", times=3, retry_after=1)
        tg.fail_next("sendPhoto", times=2, retry_after=1)
        tg.limit_rate(1, per_seconds=1.0, methods=("sendMessage", "sendPhoto", "editMessageText", "deleteMessage"))
        for text in ("/balance", "/txt2img a fox in a storm", "/help", "/models"):
            await tg.user_sends(text)
        await tg.wait_for(bot_message("You have 50 points"), timeout=30)
        await tg.wait_for(bot_media("photo", "a fox in a storm"), timeout=40)
        await tg.wait_for(bot_message("/txt2img —"), timeout=30)
        await tg.wait_for(bot_message("No models yet"), timeout=30)

        refused = [c for c in tg.sent if c.status == 429]
        assert len(refused) >= 5
        for call in refused:  # after each 429 the chat waited as asked before its next call
            later = [c for c in tg.sent if c.time > call.time and c.chat_id == call.chat_id
                     and c.method not in ("getUpdates", "answerCallbackQuery")]
            assert not later or later[0].time - call.time >= 0.9
        assert len(photos(tg)) == 1 and await balance(app) == 43


@bounded(90)
async def test_a_double_click_on_reroll_makes_one_job_and_charges_once(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin() as comfy, running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 50)
        await tg.user_sends("/txt2img a twin fox")
        result = await tg.wait_for(bot_media("photo", "a twin fox"), timeout=30)
        reroll = result.buttons[0]["callback_data"]
        await tg.user_clicks(result, reroll)
        await tg.user_clicks(result, reroll)
        await tg.wait_for(bot_media("photo", "a twin fox", after=result.message_id), timeout=30)
        await asyncio.sleep(1.5)

        assert len(photos(tg)) == 2 and comfy.prompts_received == 2
        assert await balance(app) == 50 - 7 - 7
        answers = calls(tg, "answerCallbackQuery")
        assert len(answers) == 2 and answers[1].params.get("text") == "Already on it…"


@bounded(90)
async def test_in_a_group_a_command_for_this_bot_is_charged_to_its_sender_and_answered_under_their_message(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin() as comfy, running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, "telegram:2002", 50)
        await tg.user_sends("/balance@some_other_bot", chat_type="supergroup")
        await tg.user_sends("just chatting about foxes", chat_type="supergroup")
        asked = await tg.user_sends(f"/txt2img@{tg.bot_username} a fox in a group", user=BEA, chat_type="supergroup")
        status = await tg.wait_for(bot_message("/txt2img queued", chat=GROUP))
        result = await tg.wait_for(bot_media("photo", "a fox in a group", chat=GROUP), timeout=30)

        assert status.data["reply_to_message"]["message_id"] == asked.message_id
        assert result.data["reply_to_message"]["message_id"] == asked.message_id
        assert await balance(app, "telegram:2002") == 43 and await balance(app) == 0

        await tg.user_clicks(result, result.buttons[0]["callback_data"])  # Ada presses Bea's Reroll
        refused = await tg.wait_for(lambda c: getattr(c, "method", "") == "answerCallbackQuery" and c.ok)
        assert refused.params["show_alert"] in (True, "true") and "not yours" in refused.params["text"]
        await tg.user_sends(f"/balance@{tg.bot_username}", user=BEA, chat_type="supergroup")
        await tg.wait_for(bot_message("You have 43 points", chat=GROUP))

        assert [m.text for m in tg.messages_in(GROUP) if "photo" not in m.data] == [
            "💰 You have 43 points. Ask this station's operator for points."]
        assert comfy.prompts_received == 1


@bounded(90)
async def test_a_result_past_telegrams_upload_limit_reaches_the_user_as_words_with_buttons(tmp_path):
    engine = BigResultEngine(result=big_png(4200, 4200, noisy=True))  # past the Bot API's 50 MB upload limit
    async with TelegramStandin() as tg, running_station(tmp_path, tg, engines=[engine]) as app:
        await grant(app, f"telegram:{USER}", 50)
        await tg.user_sends("/txt2img an enormous fox")
        told = await tg.wait_for(bot_message("an enormous fox", "too large for Telegram's 50 MB limit"), timeout=30)

        assert tg.calls("sendDocument") == [] and tg.calls("sendPhoto") == []  # no 50 MB upload only to be refused
        assert [b["callback_data"][:2] for b in told.buttons] == ["r:", "s:", "f:"]
        assert await balance(app) == 43
