"""Discord: the deferred reply shows the newest preview as its attachment, edited in place, then the result
replaces it; Stop keeps the last preview with "stopped, points returned" and returns the points once."""
from __future__ import annotations

import io
from contextlib import asynccontextmanager

from PIL import Image

from tests.bounded import bounded
from tests.e2e.preview_metrics import preview_counts
from tests.e2e.test_discord_flows import GUILD_ID, balance, button, grant, running_station
from tests.standins.comfyui import ComfyUIStandin
from tests.standins.discord import DiscordStandin


def previewing(rec):
    """The response while it shows a preview picture."""
    def shown():
        message = rec.original
        if message is not None and message.attachments and message.attachments[0].filename == "preview.jpg":
            return message
        return None
    return shown


def prompt_in(message) -> str:
    """The prompt id the stand-in ComfyUI wrote into the attached preview's JPEG comment."""
    return Image.open(io.BytesIO(message.attachments[0].data)).info["comment"].decode().split()[0]


@asynccontextmanager
async def previewing_station(tmp_path, step_delay: float, **env):
    """A station on the stand-in Discord with a worker sending previews; (Discord, app, user with 100 points)."""
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, \
            ComfyUIStandin(step_delay=step_delay, preview_rate=20) as comfy:
        user = dc.world.default_user
        async with running_station(tmp_path, dc, comfy.url, **env) as app:
            await grant(app, user, 100)
            yield dc, app, user


async def job_ids(app, user) -> dict[str, str]:
    station = app.container.use_cases.station()
    account = await station.accounts.user_for(f"discord:{user['id']}")
    return {j.params["prompt"]: j.id for j in await station.jobs.page(account.id)}


@bounded(90)
async def test_two_jobs_show_their_own_previews_and_each_result_replaces_its_preview(tmp_path):
    async with previewing_station(tmp_path, 0.05, STATIONTHIS_PROGRESS_INTERVAL="0.2") as (dc, app, user):
        fox = await dc.user_invokes("txt2img", {"prompt": "a red fox", "steps": 30, "seed": 1})
        owl = await dc.user_invokes("txt2img", {"prompt": "a grey owl", "steps": 30, "seed": 2})
        fox_preview = prompt_in(await dc.wait_for(previewing(fox), 30))
        owl_preview = prompt_in(await dc.wait_for(previewing(owl), 30))
        jobs = await job_ids(app, user)
        assert (fox_preview, owl_preview) == (jobs["a red fox"], jobs["a grey owl"])
        for rec in (fox, owl):
            done = await dc.wait_for(lambda rec=rec: rec.original if rec.original.embeds else None, 30)
            assert [a.filename for a in done.attachments] == ["txt2img.png"]
            assert done.attachments[0].data.startswith(b"\x89PNG")
            assert any(a["filename"] == "preview.jpg" for v in done.history for a in v["attachments"])


@bounded(90)
async def test_stop_keeps_the_last_preview_and_returns_the_points_once(tmp_path):
    async with previewing_station(tmp_path, 0.25) as (dc, app, user):
        rec = await dc.user_invokes("txt2img", {"prompt": "a slow heron", "steps": 40})
        shown = await dc.wait_for(previewing(rec), 30)
        assert await balance(app, user) < 100
        stop = button(shown, "Stop")
        await dc.user_clicks(shown, stop)
        await dc.user_clicks(shown, stop)  # twice: still one refund
        stopped = await dc.wait_for(
            lambda: rec.original if "stopped, points returned" in rec.original.content else None, 30)
        assert [a.filename for a in stopped.attachments] == ["preview.jpg"]
        assert await balance(app, user) == 100


@bounded(90)
async def test_a_429_storm_on_the_reply_costs_previews_but_never_the_result(tmp_path):
    async with previewing_station(tmp_path, 0.05) as (dc, app, user):
        dc.fail_next("PATCH /webhooks/*/messages/@original", times=12, retry_after=0.5)
        recs = [await dc.user_invokes("txt2img", {"prompt": f"storm {n}", "steps": 20, "seed": n})
                for n in range(3)]
        for rec in recs:
            done = await dc.wait_for(lambda rec=rec: rec.original if rec.original and rec.original.embeds else None,
                                     60)
            assert [a.filename for a in done.attachments] == ["txt2img.png"]
        shown, dropped = await preview_counts(app, "discord")
        assert len(dc.rate_limited) == 12
        uploaded = {a["id"] for rec in recs for v in rec.original.history for a in v["attachments"]
                    if a["filename"] == "preview.jpg"}
        assert shown == len(uploaded), "each preview counted as shown is one the messages showed"
        assert dropped > 0, "under the storm previews were dropped for newer ones, not queued"
