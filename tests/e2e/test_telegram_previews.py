"""Telegram: the status message becomes the newest preview, edited in place; the result replaces it; Stop keeps
the last preview with "stopped, points returned" and refunds once; a 429 storm drops previews, never a result."""
from __future__ import annotations

import io

from PIL import Image

from tests.bounded import bounded
from tests.e2e.preview_metrics import preview_counts
from tests.e2e.telegram_harness import USER, balance, bot_media, bot_message, grant, running_station
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin
from tests.standins.telegram.faults import CHAT_METHODS

TXT2IMG = "/txt2img {} steps=40 width=256 height=256"


def shown_prompt(tg: TelegramStandin, photo: dict) -> str:
    """The prompt id the stand-in ComfyUI wrote into a preview picture (the biggest PhotoSize is the original)."""
    data = tg.world.files.get(photo[-1]["file_id"]).data
    return Image.open(io.BytesIO(data)).info["comment"].decode().split()[0]


def status_photos(tg: TelegramStandin) -> list:
    """Every status message that showed a preview: its versions (history and now) that had a photo."""
    return [m for (chat, _), m in sorted(tg.world.messages.items()) if chat == USER and m.from_bot and any(
        "photo" in v and "running" in (v.get("caption") or "") for v in (*m.history, m.data))]


@bounded(90)
async def test_two_jobs_on_one_worker_each_show_their_own_previews_then_their_results(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.08, preview_rate=20) as comfy, \
            running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 500)
        await tg.user_sends(TXT2IMG.format("a red fox"))
        await tg.user_sends(TXT2IMG.format("a grey owl"))
        await tg.wait_for(bot_media("photo", "a red fox"), timeout=60)
        await tg.wait_for(bot_media("photo", "a grey owl"), timeout=60)
        station = app.container.use_cases.station()
        user = await station.accounts.user_for(f"telegram:{USER}")
        jobs = {j.params["prompt"]: j.id for j in await station.jobs.page(user.id)}
        statuses = status_photos(tg)
        await tg.wait_for(lambda _: all(m.deleted for m in statuses), timeout=10)  # each result took its place
        assert len(statuses) == 2
        for message in statuses:
            versions = [v for v in (*message.history, message.data) if "photo" in v]
            owners = {shown_prompt(tg, v["photo"]) for v in versions}
            assert len(owners) == 1 and owners <= set(jobs.values())
        assert {shown_prompt(tg, m.data["photo"]) for m in statuses} == set(jobs.values())
        assert any(c.ok for c in tg.calls("editMessageMedia")), "the preview was replaced in place"


@bounded(90)
async def test_stop_on_the_status_message_keeps_the_last_preview_and_returns_the_points_once(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.1, preview_rate=20) as comfy, \
            running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 500)
        await tg.user_sends(TXT2IMG.format("a slow heron").replace("steps=40", "steps=100"))
        status = await tg.wait_for(lambda m: bot_media("photo")(m) and "running" in (m.text or ""), timeout=30)
        assert await balance(app) < 500
        [stop] = [b["callback_data"] for b in status.buttons if b["text"] == "⏹ Stop"]
        await tg.user_clicks(status, stop)
        await tg.user_clicks(status, stop)  # a second press changes nothing
        stopped = await tg.wait_for(bot_message("stopped, points returned"), timeout=30)
        assert stopped.message_id == status.message_id and "photo" in stopped.data  # the last preview stays
        assert await balance(app) == 500
        station = app.container.use_cases.station()
        user = await station.accounts.user_for(f"telegram:{USER}")
        refunds = [e for e in await station.points.history(user.id) if e.kind.value == "refund"]
        assert len(refunds) == 1


@bounded(120)
async def test_a_429_storm_drops_previews_but_never_a_result(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.05, preview_rate=50) as comfy, \
            running_station(tmp_path, tg, comfy.url, STATIONTHIS_PROGRESS_INTERVAL="0.05") as app:
        await grant(app, f"telegram:{USER}", 1000)
        tg.limit_rate(1, per_seconds=1.5, methods=CHAT_METHODS, retry_after=1)
        prompts = [f"storm picture {n}" for n in range(4)]
        for prompt in prompts:
            await tg.user_sends(TXT2IMG.format(prompt))
        for prompt in prompts:
            await tg.wait_for(bot_media("photo", prompt), timeout=90)
        assert any(c.status == 429 for c in tg.sent), "the flood limit was never reached"
        await tg.wait_for(lambda _: all(m.deleted for m in status_photos(tg)), timeout=30)  # results took their place
        shown, dropped = await preview_counts(app, "telegram")
        sent = [c for c in tg.sent if c.ok and (c.method == "editMessageMedia" or c.method == "sendPhoto"
                                                and "running" in (c.params.get("caption") or ""))]
        assert shown == len(sent), "each preview counted as shown is one Telegram took"
        assert dropped > 0, "under the storm previews were dropped for newer ones, not queued"
