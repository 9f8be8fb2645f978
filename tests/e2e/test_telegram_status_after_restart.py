"""After a restart, a job's status message is edited onward, and the result takes its place: never a second one."""
from __future__ import annotations

from pathlib import Path

from tests.bounded import bounded
from tests.e2e.telegram_harness import USER, bot_media, bot_message, calls, grant, running_station
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin


def statuses_sent(tg: TelegramStandin) -> int:
    """How many status messages were ever started (edits not counted)."""
    return sum(str(c.params.get("text", "")).startswith(("⏳ /txt2img", "🎨 /txt2img")) for c in calls(tg, "sendMessage"))


@bounded(90)
async def test_a_restart_mid_job_edits_the_same_status_message_then_replaces_it_with_the_result(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.15) as comfy:
        async with running_station(tmp_path, tg, comfy.url) as app:
            await grant(app, f"telegram:{USER}", 50)
            await tg.user_sends("/txt2img a fox at noon steps=30")
            status = await tg.wait_for(bot_message("/txt2img running"))
        before = len(status.history)
        async with running_station(tmp_path, tg, comfy.url):
            await tg.wait_for(bot_media("photo", "a fox at noon"), timeout=30)
            await tg.wait_for(lambda _: status.deleted, timeout=10)
        assert len(status.history) > before and "resumed after a restart" in status.text  # edited onward
        assert statuses_sent(tg) == 1


@bounded(90)
async def test_a_job_that_ended_while_down_gets_its_result_in_place_of_the_frozen_status(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.1) as comfy:
        async with running_station(tmp_path, tg, comfy.url) as app:
            await grant(app, f"telegram:{USER}", 50)
            await tg.user_sends("/txt2img a fox at midnight steps=10")
            status = await tg.wait_for(bot_message("/txt2img running"))
        await tg.wait_for(lambda _: list(Path(comfy.dir("output")).rglob("*.png")), timeout=20)  # done while down
        async with running_station(tmp_path, tg, comfy.url):
            await tg.wait_for(bot_media("photo", "a fox at midnight"), timeout=30)
            await tg.wait_for(lambda _: status.deleted, timeout=10)
        assert statuses_sent(tg) == 1

