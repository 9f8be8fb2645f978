"""Discord's clocks: the first answer within 3 seconds, the 15-minute token, and work that ends after either."""
from __future__ import annotations

import asyncio

from tests.bounded import bounded
from tests.e2e.test_discord_flows import answered, balance, button, grant, with_image
from tests.fakes import FakeEngine, png
from tests.integration.test_discord_bad_input import bot

SLOW = 2.0  # longer than the bot waits before deferring, shorter than Discord's 3 s


class SlowEngine(FakeEngine):
    """A worker whose pre-flight check of a graph takes a while, as a busy ComfyUI's may."""

    async def check(self, graph: dict) -> list:
        await asyncio.sleep(SLOW)
        return await super().check(graph)


@bounded()
async def test_a_slow_worker_is_met_with_a_deferred_answer_in_time_and_the_result_follows(tmp_path):
    async with bot(tmp_path, SlowEngine()) as (dc, app):
        await grant(app, dc.world.default_user, 100)
        rec = await dc.user_invokes("txt2img", {"prompt": "a patient fox"})
        message = await dc.wait_for(with_image(rec), 15)
        assert [c.type for c in rec.callbacks] == [5] and rec.rejections == []
        assert message.history[0]["flags"] & 128  # "thinking…" first


@bounded()
async def test_a_mistake_found_after_deferring_replaces_the_thinking_message_with_a_private_answer(tmp_path):
    async with bot(tmp_path, SlowEngine()) as (dc, app):
        user = dc.world.default_user
        await grant(app, user, 100)
        rec = await dc.user_invokes("txt2img", {"prompt": "a fox", "checkpoint": "missing.safetensors"})
        await dc.wait_for(lambda: rec.original and rec.original.deleted, 15)
        # The public "thinking…" message is gone; the answer is a new followup only the user sees.
        answer = await dc.wait_for(lambda: next((m for m in rec.followups if "missing.safetensors" in m.content), None))
        assert answer.ephemeral and not rec.original.content
        assert rec.rejections == [] and await balance(app, user) == 100


@bounded()
async def test_cancel_stops_my_running_job_and_its_message_says_the_points_came_back(tmp_path):
    async with bot(tmp_path, FakeEngine(steps=20, step_delay=0.1)) as (dc, app):
        user = dc.world.default_user
        await grant(app, user, 100)
        rec = await dc.user_invokes("txt2img", {"prompt": "a fox"})
        await dc.wait_for(lambda: rec.original and "running" in rec.original.content, 10)
        cancel = await dc.user_invokes("cancel")
        assert "Cancelling /txt2img" in (await dc.wait_for(answered(cancel))).content
        await dc.wait_for(lambda: "stopped, points returned" in rec.original.content, 10)
        assert "/txt2img" in rec.original.content and await balance(app, user) == 100


@bounded()
async def test_a_training_confirmed_in_a_dm_is_announced_there_when_it_ends(tmp_path):
    async with bot(tmp_path, guilds=False) as (dc, app):
        alice = dc.new_user("alice")
        await grant(app, alice, 500)

        async def say(name, options=None, attachments=()):
            rec = await dc.user_invokes(name, options, user=alice, guild_id=None, attachments=attachments)
            return await dc.wait_for(answered(rec))

        await say("train create", {"name": "heron"})
        photos = [(f"h{n}.png", png(128, 128, (20, n * 60, 200)), "image/png") for n in range(4)]
        await say("train add", {"caption": "a heron"}, photos)
        await say("train trigger", {"word": "heronzorb"})
        quote = await say("train submit", {"steps": 10})
        click = await dc.user_clicks(quote, button(quote, "Pay"), user=alice)
        await dc.wait_for(answered(click))
        [done] = await dc.wait_for(lambda: [m for m in dc.dm_messages(alice) if "Training finished" in m.content])
        assert done.content.startswith(f"<@{alice['id']}>") and await balance(app, alice) == 500 - 25


@bounded()
async def test_a_result_whose_channel_is_gone_reaches_its_author_by_dm(tmp_path):
    async with bot(tmp_path, FakeEngine(step_delay=0.3), token_lifetime=0.5) as (dc, app):
        user = dc.world.default_user
        await grant(app, user, 100)
        await dc.user_invokes("txt2img", {"prompt": "a fox"})
        del dc.world.channels[dc.guild_channel_id()]
        [sent] = await dc.wait_for(lambda: [m for m in dc.dm_messages(user) if m.attachments], 15)
        assert sent.embeds[0]["description"] == "a fox"
