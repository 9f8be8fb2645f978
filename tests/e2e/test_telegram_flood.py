"""Telegram's flood limits: a burst of one user's jobs still gets each picture within seconds, and others' too."""
from __future__ import annotations

import asyncio
import re
import time

from domain.workflows.jobs import JobFilter
from tests.bounded import bounded
from tests.e2e.telegram_harness import USER, bot_media, grant, running_station
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin
from tests.standins.telegram.faults import CHAT_METHODS

BURST = 30
OTHER = {"id": 3003, "is_bot": False, "first_name": "Olu", "username": "olu"}


@bounded(180)
async def test_a_30_job_burst_under_flood_limits_delivers_each_photo_within_3_s_and_another_users_within_5_s(
        tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.1) as comfy, \
            running_station(tmp_path, tg, comfy.url, STATIONTHIS_MAX_JOBS_PER_USER="40",
                            STATIONTHIS_PROGRESS_INTERVAL="0.5") as app:
        await grant(app, f"telegram:{USER}", 1000)
        await grant(app, f"telegram:{OTHER['id']}", 100)
        tg.limit_rate(3, per_seconds=1.0, methods=CHAT_METHODS, retry_after=1)  # per chat, every writing call
        for n in range(BURST):
            await tg.user_sends(f"/txt2img fox number {n} steps=8 width=256 height=256")
        await asyncio.sleep(2.0)
        asked = time.time()
        await tg.user_sends("/txt2img one owl steps=8 width=256 height=256", user=OTHER)
        await tg.wait_for(bot_media("photo", "one owl", chat=OTHER["id"]), timeout=60)
        owl_took = next(c.time for c in tg.calls("sendPhoto") if c.ok and "one owl" in c.params["caption"]) - asked
        await tg.wait_for(lambda _: len(_delivered(tg)) == BURST, timeout=120)

        station = app.container.use_cases.station()
        user = await station.accounts.user_for(f"telegram:{USER}")
        finished = {j.params["prompt"]: j.updated_at for j in await station.jobs.page(user.id, JobFilter(limit=40))}
        late = {prompt: round(sent - finished[prompt], 2) for prompt, sent in _delivered(tg).items()
                if sent - finished[prompt] > 3.0}
        assert late == {}, f"photos later than 3 s after their job finished: {late}"
        assert owl_took <= 5, f"another user's picture took {owl_took:.1f} s"
        assert tg.calls("sendPhoto") and any(c.status == 429 for c in tg.sent), "the flood limits were never reached"
        waited = [c.text for c in tg.calls("editMessageText") if "queued" in (c.text or "")]
        places = {re.search(r"#\d+ in line|\d+ ahead of you|next in line", t).group(0) for t in waited}
        assert len(places) > 1, "places in line were updated as it moved"


def _delivered(tg: TelegramStandin) -> dict[str, float]:
    """Each burst picture's prompt and when Telegram took its photo."""
    return {c.params["caption"].split("“")[1].split("”")[0]: c.time for c in tg.calls("sendPhoto")
            if c.ok and "fox number" in c.params.get("caption", "")}
