"""Faults at Telegram itself: 502s and slow answers are retried safely, a blocked user ends delivery quietly."""
from __future__ import annotations

import asyncio
import logging
import time

import httpx

from tests.bounded import bounded
from tests.e2e.telegram_harness import USER, balance, bot_media, bot_message, calls, grant, photos, running_station
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin


@bounded(90)
async def test_a_502_on_the_result_photo_is_retried_and_the_photo_arrives_once_with_its_caption_and_buttons(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin() as comfy, running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 50)
        tg.break_next("sendPhoto", times=2)
        await tg.user_sends("/txt2img a fox behind a bad gateway")
        result = await tg.wait_for(bot_media("photo", "a fox behind a bad gateway", "cost 7 points"), timeout=30)
        await asyncio.sleep(1.0)  # time for a second copy, were there one
        assert [c.status for c in calls(tg, "sendPhoto", ok=False)] == [502, 502]
        assert len(photos(tg)) == 1 and len(result.buttons) == 5
        assert not [m for m in tg.messages_in(USER) if "photo" not in m.data and "bad gateway" in (m.text or "")]


@bounded(60)
async def test_a_502_on_a_reply_is_retried_so_the_answer_is_the_answer_and_not_an_apology(tmp_path):
    async with TelegramStandin() as tg, running_station(tmp_path, tg) as app:
        await grant(app, f"telegram:{USER}", 12)
        tg.break_next("sendMessage")
        await tg.user_sends("/balance")
        await tg.wait_for(bot_message("💰 You have 12 points."))
        assert [c.status for c in calls(tg, "sendMessage", ok=False)] == [502]
        assert not [m for m in tg.messages_in(USER) if "went wrong" in (m.text or "")]


@bounded(60)
async def test_an_answer_telegram_gives_too_late_does_not_make_the_result_arrive_twice(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin() as comfy, running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 50)
        tg.answer_late("sendPhoto", seconds=7.0)  # longer than the bot waits for an answer
        await tg.user_sends("/txt2img a slow fox")
        await tg.wait_for(bot_media("photo", "a slow fox"), timeout=30)
        await tg.wait_for(lambda c: getattr(c, "method", "") == "deleteMessage", timeout=20)  # it went on after
        await asyncio.sleep(1.0)
        assert len(calls(tg, "sendPhoto")) == 1 and len(photos(tg)) == 1


@bounded(60)
async def test_a_user_who_blocked_the_bot_mid_job_ends_delivery_with_one_quiet_line_and_keeps_the_result(
        tmp_path, caplog):
    caplog.set_level(logging.INFO)
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.1) as comfy, \
            running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 50)
        await tg.user_sends("/txt2img a fox nobody will see")
        await tg.wait_for(bot_message("/txt2img queued"))
        tg.block(USER)
        station = app.container.use_cases.station()
        user = await station.accounts.user_for(f"telegram:{USER}")
        while not (jobs := await station.jobs.page(user.id)) or not jobs[0].terminal:
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        assert jobs[0].state.value == "succeeded" and jobs[0].outputs  # it stays in the gallery
        assert await balance(app) == 43
    quiet = [r for r in caplog.records if "takes no messages" in r.getMessage()]
    assert quiet and all(r.exc_info is None for r in quiet)
    assert not [r for r in caplog.records if r.exc_info and "telegram" in r.name]


@bounded(90)
async def test_health_says_degraded_while_polling_cannot_reach_telegram_and_ok_once_it_can(tmp_path):
    async with TelegramStandin() as tg, running_station(tmp_path, tg) as app:
        health = f"{app.platforms[0].url}/healthz"
        async with httpx.AsyncClient() as http:
            assert (await _health_until(http, health, "platforms", {"telegram": {"connected": True}}))
            tg.break_next("getUpdates", times=3, status=502)
            down = await _health_until(http, health, "platforms", {"telegram": {"connected": False}})
            assert down["status"] == "degraded"
            await _health_until(http, health, "platforms", {"telegram": {"connected": True}}, within=40)
            metrics = (await http.get(f"{app.platforms[0].url}/metrics")).text
        assert 'stationthis_platform_connected{platform="telegram"} 1' in metrics
        await tg.user_sends("/balance")
        await tg.wait_for(bot_message("You have 0 points"))


async def _health_until(http: httpx.AsyncClient, url: str, field: str, wanted: object, within: float = 20.0) -> dict:
    deadline = time.monotonic() + within
    while (body := (await http.get(url)).json())[field] != wanted:
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.05)
    return body
