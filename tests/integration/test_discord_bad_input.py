"""What a careless user, a modified client or Discord itself may send the bot: each answered once, clearly, for free."""
from __future__ import annotations

from contextlib import asynccontextmanager

import discord
import pytest

from bootstrap.app import StationApp
from bootstrap.config import load_config
from bootstrap.container import build_container
from tests.bounded import bounded
from tests.e2e.test_discord_flows import (
    answered,
    balance,
    button,
    grant,
    running_station,
    with_image,
)
from tests.fakes import FakeEngine, png
from tests.standins.discord import DiscordStandin, point_discord_py_at

GUILD_ID = 1100000000000000002
UNUSED_WORKER = "http://127.0.0.1:9"


@asynccontextmanager
async def bot(tmp_path, engine: FakeEngine | None = None, guilds: bool = True, env: dict | None = None,
              **standin):
    """The real app and discord.py against the stand-in Discord, with an in-memory ComfyUI worker."""
    engine = engine or FakeEngine()
    async with DiscordStandin(guild_ids=[GUILD_ID], **standin) as dc:
        async with running_station(tmp_path, dc, UNUSED_WORKER, guilds=guilds, **(env or {}),
                                   container_of=lambda config: build_container(config, engines=[engine])) as app:
            yield dc, app


async def jobs_of(app, user: dict) -> list:
    account = await app.container.use_cases.accounts().user_for(f"discord:{user['id']}")
    return await app.container.infra.storage().jobs.of_user(account.id)


async def private_answer(dc, name: str, options, **kwargs):
    rec = await dc.user_invokes(name, options, **kwargs)
    message = await dc.wait_for(answered(rec))
    assert message.ephemeral and [c.type for c in rec.callbacks] == [4]
    return message.content


def verbatim(**values) -> list[dict]:
    """Leaf options exactly as a modified client might send them: (wire type, value) per name."""
    return [{"name": name, "type": kind, "value": value} for name, (kind, value) in values.items()]


@bounded()
async def test_an_option_missing_or_of_the_wrong_json_type_is_refused_privately_and_costs_nothing(tmp_path):
    async with bot(tmp_path) as (dc, app):
        user = dc.world.default_user
        await grant(app, user, 100)
        text = await private_answer(dc, "txt2img", verbatim(prompt=(3, "a fox"), steps=(4, "many")))
        assert text == "Option 'steps' must be a whole number; got 'many'."
        text = await private_answer(dc, "txt2img", verbatim(prompt=(3, "a fox"), cfg=(10, "high")))
        assert text == "Option 'cfg' must be a number; got 'high'."
        text = await private_answer(dc, "collections link", verbatim(collection=(3, "x"), days=(10, True)))
        assert text.startswith("Option 'days' must be a number")
        assert await private_answer(dc, "txt2img", verbatim(steps=(4, 5))) == "Option 'prompt' is required."
        assert await balance(app, user) == 100 and await jobs_of(app, user) == []


@bounded()
async def test_values_out_of_range_or_off_the_list_are_refused_by_the_same_checks_as_everywhere(tmp_path):
    async with bot(tmp_path) as (dc, app):
        user = dc.world.default_user
        await grant(app, user, 100)
        text = await private_answer(dc, "txt2img", verbatim(prompt=(3, "a fox"), steps=(4, 999)))
        assert text == "steps: must be a whole number from 1 to 100, got 999."
        text = await private_answer(dc, "txt2img", verbatim(prompt=(3, "a fox"), sampler=(3, "warp")))
        assert text.startswith("sampler: must be one of euler, euler_ancestral")
        text = await private_answer(dc, "txt2img", {"prompt": "a fox", "lora": "nosuch"})
        assert "there is no model named 'nosuch'" in text and "/models" in text
        text = await private_answer(dc, "settings set", verbatim(steps=(4, 0)))
        assert text.startswith("steps: must be a whole number from")
        assert await balance(app, user) == 100 and await jobs_of(app, user) == []


@bounded()
async def test_a_file_over_the_upload_limit_is_refused_before_it_is_downloaded(tmp_path):
    async with bot(tmp_path, env={"STATIONTHIS_MAX_UPLOAD_BYTES": "2048"}) as (dc, app):
        await grant(app, dc.world.default_user, 100)
        text = await private_answer(dc, "upscale_simple", {}, attachments=[("big.png", bytes(5000), "image/png")])
        assert text == "image (big.png) is 5 KiB; files up to 2 KiB are accepted."
        assert not [line for line in dc.traffic if "/attachments/" in line]


@bounded()
async def test_a_dataset_too_small_cannot_be_submitted_and_says_what_it_needs(tmp_path):
    async with bot(tmp_path) as (dc, app):
        await grant(app, dc.world.default_user, 1000)
        rec = await dc.user_invokes("train create", {"name": "tiny"})
        await dc.wait_for(answered(rec))
        photos = [(f"p{n}.png", png(128, 128, (n * 80, 10, 10)), "image/png") for n in range(2)]
        rec = await dc.user_invokes("train add", {"caption": "a cup"}, attachments=photos)
        await dc.wait_for(answered(rec))
        text = await private_answer(dc, "train submit", {})
        assert text.startswith("The dataset is not ready:") and "at least 4" in text
        assert await balance(app, dc.world.default_user) == 1000


@bounded()
async def test_a_button_from_an_old_or_foreign_message_politely_says_it_has_expired(tmp_path):
    async with bot(tmp_path) as (dc, _):
        buttons = [{"type": 2, "style": 2, "label": label, "custom_id": custom_id}
                   for label, custom_id in (("Again", "st:zz:0123"), ("Old", "generate_again_42"))]
        old = dc.world.add_message(dc.guild_channel_id(), dc.bot_user,
                                   {"content": "from long ago", "components": [{"type": 1, "components": buttons}]}, {})
        for custom_id in ("st:zz:0123", "generate_again_42"):
            click = await dc.user_clicks(old, custom_id)
            message = await dc.wait_for(answered(click))
            assert message.ephemeral and message.content == "This button has expired."


@bounded()
async def test_an_interaction_delivered_twice_is_answered_once_and_charged_once(tmp_path):
    async with bot(tmp_path) as (dc, app):
        user = dc.world.default_user
        await grant(app, user, 100)
        rec = await dc.user_invokes("txt2img", {"prompt": "a fox"}, duplicate=True)
        await dc.wait_for(with_image(rec))
        [job] = await jobs_of(app, user)
        assert len(rec.callbacks) == 1 and rec.rejections == []
        assert await balance(app, user) == 100 - job.price


@bounded()
async def test_a_double_click_on_reroll_makes_one_job(tmp_path):
    async with bot(tmp_path, FakeEngine(step_delay=0.2)) as (dc, app):
        user = dc.world.default_user
        await grant(app, user, 100)
        rec = await dc.user_invokes("txt2img", {"prompt": "a fox"})
        result = await dc.wait_for(with_image(rec))
        first = await dc.user_clicks(result, button(result, "Reroll"))
        second = await dc.user_clicks(result, button(result, "Reroll"))
        await dc.wait_for(with_image(first))
        await dc.wait_for(lambda: second.callbacks)
        jobs = await jobs_of(app, user)
        assert len(jobs) == 2 and [c.type for c in second.callbacks] == [6]
        assert await balance(app, user) == 100 - sum(j.price for j in jobs)


@bounded()
async def test_commands_work_in_a_dm_and_in_a_guild_and_charge_whoever_invoked_them(tmp_path):
    async with bot(tmp_path, guilds=False) as (dc, app):
        alice, bob = dc.new_user("alice"), dc.new_user("bob")
        await grant(app, alice, 50)
        await grant(app, bob, 50)
        rec = await dc.user_invokes("txt2img", {"prompt": "a heron"}, user=alice, guild_id=None)
        result = await dc.wait_for(with_image(rec))
        assert result in dc.dm_messages(alice) and "guild_id" not in rec.payload
        assert "50 points" in await private_answer(dc, "balance", None, user=bob)
        [job] = await jobs_of(app, alice)
        assert await balance(app, alice) == 50 - job.price and await balance(app, bob) == 50
        assert dc.commands() and not dc.commands(GUILD_ID)


@bounded()
async def test_a_result_that_cannot_be_made_to_fit_links_to_the_web_gallery(tmp_path):
    env = {"WEB_PUBLIC_URL": "https://station.example"}
    async with bot(tmp_path, env=env, attachment_size_limit=60) as (dc, app):
        await grant(app, dc.world.default_user, 100)
        rec = await dc.user_invokes("txt2img", {"prompt": "a fox"})
        message = await dc.wait_for(lambda: rec.original if rec.original and rec.original.embeds else None)
        [job] = await jobs_of(app, dc.world.default_user)
        assert message.attachments == [] and rec.rejections == []
        link = f"https://station.example/jobs/{job.id}"
        assert f"too large for Discord's 60 bytes limit: {link}" in message.embeds[0]["fields"][-1]["value"]


@bounded()
async def test_a_result_after_the_interaction_token_expired_is_posted_in_the_channel(tmp_path):
    async with bot(tmp_path, FakeEngine(step_delay=0.3), token_lifetime=0.5) as (dc, app):
        user = dc.world.default_user
        await grant(app, user, 100)
        rec = await dc.user_invokes("txt2img", {"prompt": "a slow fox"})
        posted = await dc.wait_for(lambda: [m for m in dc.messages(dc.guild_channel_id()) if m.attachments], 15)
        assert posted[0].content == f"<@{user['id']}>" and posted[0].component(button(posted[0], "Reroll"))
        assert (401, 50027) in rec.rejections


@bounded()
async def test_a_refused_bot_token_stops_the_start_with_a_clear_error_that_does_not_show_it(tmp_path, caplog):
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc:
        config = load_config(env={"STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "WEB_PORT": "0",
                                  "DISCORD_BOT_TOKEN": "not-the-token", "DISCORD_API_BASE_URL": dc.url},
                             dotenv=False)
        app = StationApp(config, build_container(config, engines=[FakeEngine()]))
        with point_discord_py_at(dc):
            try:
                with pytest.raises(discord.LoginFailure, match="Improper token"):
                    await app.start()
            finally:
                await app.stop()
        assert "not-the-token" not in caplog.text
