"""When things go wrong: a failed job is refunded and the user told; a restart still delivers the result once."""
from __future__ import annotations

import asyncio

from tests.bounded import bounded
from tests.e2e.telegram_harness import (
    USER,
    balance,
    bot_media,
    bot_message,
    grant,
    photos,
    running_station,
)
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin


@bounded(60)
async def test_a_job_that_fails_on_the_worker_is_refunded_and_the_user_is_told(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin() as comfy, running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 50)
        comfy.fail_node("KSampler", "CUDA out of memory")
        asked = await tg.user_sends("/txt2img a red fox")
        told = await tg.wait_for(bot_message("❌ /txt2img failed: the image worker ran into an error while making it; "
                                             "your 7 points are back. Try other settings, or try again later."))

        assert told.data["reply_to_message"]["message_id"] == asked.message_id
        assert [b["text"] for b in told.buttons] == ["🔁 Try again · 7"]  # a failed job offers a retry, not Save
        assert await balance(app) == 50
        assert photos(tg) == []


@bounded(90)
async def test_a_restart_between_submit_and_result_delivers_the_photo_once_and_charges_once(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.1) as comfy:
        async with running_station(tmp_path, tg, comfy.url) as app:
            await grant(app, f"telegram:{USER}", 50)
            asked = await tg.user_sends("/txt2img a fox at dawn steps=30")
            await tg.wait_for(bot_message("/txt2img running"))
        async with running_station(tmp_path, tg, comfy.url) as app:
            result = await tg.wait_for(bot_media("photo", "a fox at dawn"), timeout=30)
            await asyncio.sleep(1.0)  # time enough for a second delivery, were there one

            assert result.data["reply_to_message"]["message_id"] == asked.message_id
            assert len(photos(tg)) == 1 and comfy.prompts_received == 1
            assert await balance(app) == 41


@bounded(90)
async def test_a_result_that_finished_while_the_bot_was_down_is_delivered_once_after_the_restart(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.05) as comfy:
        async with running_station(tmp_path, tg, comfy.url) as app:
            await grant(app, f"telegram:{USER}", 50)
            await tg.user_sends("/txt2img a fox at dusk")
            await tg.wait_for(bot_message("/txt2img queued"))
            while comfy.prompts_received == 0:  # stop only once the worker has the job
                await asyncio.sleep(0.01)
        await asyncio.sleep(2.0)  # the worker finishes while StationThis is down
        async with running_station(tmp_path, tg, comfy.url) as app:
            await tg.wait_for(bot_media("photo", "a fox at dusk"), timeout=15)
            await asyncio.sleep(1.0)

            assert len(photos(tg)) == 1 and comfy.prompts_received == 1
            assert await balance(app) == 43


@bounded(90)
async def test_the_buttons_under_a_result_keep_working_after_a_restart(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin() as comfy:
        async with running_station(tmp_path, tg, comfy.url) as app:
            await grant(app, f"telegram:{USER}", 50)
            await tg.user_sends("/txt2img a patient fox")
            result = await tg.wait_for(bot_media("photo", "a patient fox"), timeout=30)
        async with running_station(tmp_path, tg, comfy.url) as app:
            await tg.user_clicks(result, result.buttons[3]["callback_data"])
            saved = await tg.wait_for(lambda c: getattr(c, "method", "") == "answerCallbackQuery" and c.ok)
            assert "Saved to your collection 'Saved'" in saved.params["text"]  # told to the presser alone
            await tg.user_clicks(result, result.buttons[0]["callback_data"])
            await tg.wait_for(bot_media("photo", "a patient fox", after=result.message_id), timeout=30)

            assert await balance(app) == 50 - 7 - 7
