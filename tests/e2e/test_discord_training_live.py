"""Discord shows a training's steps live in a follow-up of their own: the Confirm's answer stays readable, the steps
advance at the progress pace (only the trainer sees them), and the end with its loss curve replaces them."""
from __future__ import annotations

import re
from contextlib import asynccontextmanager

from tests.bounded import bounded
from tests.e2e.test_discord_flows import GUILD_ID, answered, button, grant, running_station
from tests.fakes import png
from tests.standins.comfyui import ComfyUIStandin
from tests.standins.discord import DiscordStandin

STEPS = 40


async def confirmed_training(dc: DiscordStandin, user: dict, name: str):
    """A four-picture dataset submitted and paid for: the Pay press's record."""
    async def say(command, options=None, attachments=()):
        rec = await dc.user_invokes(command, options, user=user, attachments=attachments)
        return await dc.wait_for(answered(rec), 20)

    await say("train create", {"name": name})
    photos = [(f"{name}{n}.png", png(128, 128, (n * 60, 90, 30)), "image/png") for n in range(4)]
    await say("train add", {"caption": f"a {name} on grass"}, attachments=photos)
    await say("train trigger", {"word": f"{name}zorb"})
    quote = await say("train submit", {"steps": STEPS})
    return await dc.user_clicks(quote, button(quote, "Pay"), user=user)


def steps_shown(message) -> list[int]:
    """The step numbers each version of the follow-up showed, in order."""
    versions = [v["content"] for v in message.history] + [message.content]
    return [int(m.group(1)) for m in (re.search(rf"training (\d+)/{STEPS}", v) for v in versions) if m]


@asynccontextmanager
async def training_station(tmp_path, step_delay: float, **env):
    """A station on the stand-in Discord and ComfyUI (training step by step); (Discord, user with 1000 points)."""
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, ComfyUIStandin(step_delay=step_delay) as comfy:
        user = dc.world.default_user
        async with running_station(tmp_path, dc, comfy.url, **env) as app:
            await grant(app, user, 1000)
            yield dc, user


def finished(dc: DiscordStandin):
    return lambda: [m for m in dc.messages(dc.guild_channel_id()) if "Training finished" in m.content]


@bounded(120)
async def test_a_trainings_steps_advance_in_a_private_follow_up_and_the_end_replaces_them(tmp_path):
    async with training_station(tmp_path, 0.08, STATIONTHIS_PROGRESS_INTERVAL="0.3") as (dc, user):
        click = await confirmed_training(dc, user, "corgi")
        confirm = (await dc.wait_for(answered(click))).content
        steps = await dc.wait_for(lambda: next((m for m in click.followups if steps_shown(m)), None), 30)
        await dc.wait_for(lambda: len(set(steps_shown(steps))) >= 3, 30)
        assert "Training submitted" in click.original.content, "the Confirm's answer is still there"
        [done] = await dc.wait_for(finished(dc), 60)
        await dc.wait_for(lambda: steps.deleted, 10)
        assert "Training submitted (" in confirm and click.original.content == confirm  # never overwritten
        shown = steps_shown(steps)
        assert shown == sorted(shown) and 0 < shown[0] < shown[-1] <= STEPS and len(shown) >= 3
        assert steps.ephemeral and click.original.ephemeral, "the steps are for the trainer alone, like the Confirm"
        assert "/train" in steps.content and "left" in " ".join(v["content"] for v in steps.history)
        assert done.content.startswith(f"<@{user['id']}>") and [a.filename for a in done.attachments] == ["loss.png"]
        assert all("Training finished" not in v["content"] for v in steps.history), "the end is its own message"


@bounded(120)
async def test_a_429_storm_on_the_steps_never_holds_up_the_end_or_touches_the_confirm_answer(tmp_path):
    async with training_station(tmp_path, 0.05) as (dc, user):
        dc.fail_next("PATCH /webhooks/*/messages/[0-9]*", times=8, retry_after=0.5)
        click = await confirmed_training(dc, user, "heron")
        [done] = await dc.wait_for(finished(dc), 90)
        steps = await dc.wait_for(lambda: click.followups[0] if click.followups else None)
        await dc.wait_for(lambda: steps.deleted, 10)
        assert dc.rate_limited and all("/messages/@original" not in hit for hit in dc.rate_limited)
        assert [a.filename for a in done.attachments] == ["loss.png"]
        assert "Training submitted" in click.original.content
