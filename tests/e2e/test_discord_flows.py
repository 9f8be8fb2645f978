"""Whole Discord flows: the real app (`StationApp`) with discord.py pointed at the stand-in Discord and ComfyUI."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from bootstrap.app import StationApp
from bootstrap.config import load_config
from tests.bounded import bounded
from tests.fakes import png
from tests.money_audit import assert_money_audit_clean
from tests.standins.comfyui import ComfyUIStandin
from tests.standins.discord import DiscordStandin, point_discord_py_at

GUILD_ID = 1100000000000000001


@asynccontextmanager
async def running_station(tmp_path, dc: DiscordStandin, comfyui_url: str, container_of=None, guilds: bool = True,
                          **env):
    """`stationthis run` as the CLI starts it, on a data dir that survives a restart; yields the StationApp."""
    config = load_config(env={
        "STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "COMFYUI_URLS": comfyui_url,
        "STATIONTHIS_PROGRESS_INTERVAL": "0.05", "WEB_PORT": "0", "DISCORD_BOT_TOKEN": dc.token,
        "DISCORD_API_BASE_URL": dc.url, "DISCORD_GUILD_IDS": ",".join(dc.guild_ids) if guilds else "", **env,
    }, dotenv=False)
    app = StationApp(config, container_of(config) if container_of else None)
    sessions = len(dc.sessions)
    with point_discord_py_at(dc):  # discord.py's REST base and gateway are process-wide: set here, in tests only
        await app.start()
        try:
            await dc.wait_for(lambda: len(dc.sessions) > sessions and dc.sessions[-1].ready, 15)
            yield app
        finally:
            await app.stop()
    await assert_money_audit_clean(config)


async def grant(app: StationApp, user: dict, points: int) -> None:
    station = app.container.use_cases.station()
    account = await station.accounts.user_for(f"discord:{user['id']}")
    await station.points.grant(account.id, points)


async def balance(app: StationApp, user: dict) -> int:
    station = app.container.use_cases.station()
    return await station.points.balance((await station.accounts.user_for(f"discord:{user['id']}")).id)


def answered(rec):
    """The interaction's response once it shows something (not "thinking…")."""
    return lambda: rec.original if rec.original is not None and not rec.original.loading else None


def with_image(rec):
    return lambda: rec.original if rec.original is not None and rec.original.attachments else None


@bounded()
async def test_txt2img_is_deferred_shows_progress_then_the_image_and_reroll_works_after_a_restart(tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, ComfyUIStandin(step_delay=0.1) as comfy:
        user = dc.world.default_user
        async with running_station(tmp_path, dc, comfy.url) as app:
            assert {"txt2img", "img2img", "train", "collections", "settings", "balance"} <= {
                c["name"] for c in dc.commands(GUILD_ID)}
            await grant(app, user, 100)
            rec = await dc.user_invokes("txt2img", {"prompt": "a red fox", "steps": 12, "seed": 7})
            message = await dc.wait_for(with_image(rec), 30)
        assert rec.callbacks[0].type == 5
        shown = [v["content"] for v in message.history]  # "thinking…", then statuses (overtaken ones are skipped)
        assert message.history[0]["flags"] & 128 and any("running" in c and "sampling" in c for c in shown)
        [embed] = message.embeds
        assert embed["description"] == "a red fox" and {"name": "Seed", "value": "7", "inline": True} in embed["fields"]
        assert message.attachments[0].data.startswith(b"\x89PNG")
        reroll = next(c["custom_id"] for row in message.components for c in row["components"]
                      if "Reroll" in c["label"])
        async with running_station(tmp_path, dc, comfy.url) as app:
            spent = 100 - await balance(app, user)
            click = await dc.user_clicks(message, reroll)
            again = await dc.wait_for(with_image(click), 30)
            assert await balance(app, user) == 100 - 2 * spent
        assert again.id != message.id and again.embeds[0]["description"] == "a red fox"
        assert again.embeds[0]["fields"][1]["value"] != "7"


def button(message, label: str) -> str:
    return next(c["custom_id"] for row in message.components for c in row["components"] if label in c["label"])


@bounded(90)
async def test_a_lora_trained_from_attachments_is_announced_then_offered_by_autocomplete_and_used(tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, ComfyUIStandin(step_delay=0.001) as comfy:
        user = dc.world.default_user

        async def say(name, options=None, attachments=()):
            rec = await dc.user_invokes(name, options, attachments=attachments)
            return await dc.wait_for(answered(rec), 20)

        async with running_station(tmp_path, dc, comfy.url) as app:
            await grant(app, user, 1000)
            assert "created" in (await say("train create", {"name": "corgi"})).content
            photos = [(f"corgi{n}.png", png(128, 128, (n * 60, 90, 30)), "image/png") for n in range(4)]
            added = await say("train add", {"caption": "a corgi on grass"}, attachments=photos)
            assert "'corgi': 4 images" in added.content
            await say("train caption", {"number": 2, "text": "a corgi asleep"})
            await say("train trigger", {"word": "corgizorb"})
            sheet = await say("train view")
            assert "2. corgizorb, a corgi asleep" in sheet.content and "Ready" in sheet.content  # the trigger written
            assert sheet.attachments[0].filename == "corgi.png" and sheet.attachments[0].width
            quote = await say("train submit", {"steps": 20})
            assert "30 points (you have 1000)" in quote.content
            click = await dc.user_clicks(quote, button(quote, "Pay 30 points"))
            assert "submitted" in (await dc.wait_for(answered(click))).content
            channel = dc.guild_channel_id()
            [done] = await dc.wait_for(
                lambda: [m for m in dc.messages(channel) if "Training finished" in m.content], 60)
            assert done.content.startswith(f"<@{user['id']}>") and done.interaction_metadata is None
            assert await balance(app, user) == 970

            choices = await dc.user_autocompletes("txt2img", "lora", "cor")
            assert choices[0] == {"name": "corgi · yours", "value": "corgi"}
            model = (await app.container.use_cases.models().visible(
                (await app.container.use_cases.accounts().user_for(f"discord:{user['id']}")).id))[0]
            comfy.loras.append(model.filename)
            rec = await dc.user_invokes("txt2img", {"prompt": "corgizorb running", "lora": "corgi"})
            await dc.wait_for(with_image(rec), 30)
        assert model.filename in str(comfy.received_graphs[-1])


@bounded()
async def test_a_result_over_the_attachment_limit_is_re_encoded_to_fit(tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID], attachment_size_limit=6_000) as dc, ComfyUIStandin() as comfy:
        async with running_station(tmp_path, dc, comfy.url) as app:
            await grant(app, dc.world.default_user, 100)
            rec = await dc.user_invokes("txt2img", {"prompt": "a detailed fox", "width": 1024, "height": 1024,
                                                    "seed": 7})  # the stand-in's picture depends only on the recipe
            message = await dc.wait_for(with_image(rec), 30)
            job = (await app.container.infra.storage().jobs.of_user(
                (await app.container.use_cases.accounts().user_for(f"discord:{dc.world.default_user['id']}")).id))[0]
            original = await app.container.infra.blobs().get(job.outputs[0])
        [image] = message.attachments
        assert len(original) > 6_000 >= image.size and image.width
        assert image.filename == message.embeds[0]["image"]["url"].removeprefix("attachment://")
        assert "Re-encoded to fit" in message.embeds[0]["fields"][-1]["value"]


@bounded()
async def test_not_enough_points_is_a_private_answer_with_balance_and_price_that_costs_nothing(tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, ComfyUIStandin() as comfy:
        user = dc.world.default_user
        async with running_station(tmp_path, dc, comfy.url) as app:
            await grant(app, user, 2)
            rec = await dc.user_invokes("txt2img", {"prompt": "a fox", "steps": 40})
            answer = await dc.wait_for(answered(rec))
            assert await balance(app, user) == 2
        assert [c.type for c in rec.callbacks] == [4] and answer.ephemeral
        assert "Not enough points" in answer.content and "balance is 2" in answer.content and "costs" in answer.content
        assert comfy.prompts_received == 0


@bounded()
async def test_a_result_that_finished_while_the_bot_was_down_is_posted_in_its_channel_when_it_is_back(tmp_path):
    """The interaction token lived in memory only (never in the database), so after a restart the
    result comes as a new message in the channel, mentioning who asked."""
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, ComfyUIStandin(step_delay=0.15) as comfy:
        async with running_station(tmp_path, dc, comfy.url) as app:
            user = dc.world.default_user
            await grant(app, user, 100)
            rec = await dc.user_invokes("txt2img", {"prompt": "a fox while we sleep", "steps": 10})
            await dc.wait_for(lambda: rec.original and "running" in rec.original.content, 20)
        await dc.wait_for(lambda: list(Path(comfy.dir("output")).rglob("*.png")), 20)
        assert not rec.original.attachments
        stored = b"".join(f.read_bytes() for f in Path(tmp_path / "var").glob("stationthis.sqlite3*"))
        assert stored and rec.token.encode() not in stored
        async with running_station(tmp_path, dc, comfy.url):
            posted = await dc.wait_for(
                lambda: [m for m in dc.messages(dc.guild_channel_id()) if m.attachments], 20)
        assert posted[0].content == f"<@{user['id']}>" and comfy.prompts_received == 1
        assert posted[0].embeds[0]["description"] == "a fox while we sleep"


@bounded(90)
async def test_a_batch_of_two_is_one_message_with_both_pictures_attached_and_charged_once(tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, ComfyUIStandin(step_delay=0.02) as comfy:
        user = dc.world.default_user
        async with running_station(tmp_path, dc, comfy.url) as app:
            await grant(app, user, 100)
            rec = await dc.user_invokes("txt2img", {"prompt": "two foxes", "steps": 4, "batch_size": 2})
            message = await dc.wait_for(with_image(rec), 30)
            job = (await app.container.infra.storage().jobs.of_user(
                (await app.container.use_cases.accounts().user_for(f"discord:{user['id']}")).id))[0]
            assert await balance(app, user) == 100 - job.price
        assert [a.data[:4] for a in message.attachments] == [b"\x89PNG"] * 2
        assert [a.filename.rsplit("_", 1)[-1] for a in message.attachments] == ["1.png", "2.png"]
        assert button(message, "Full size 2")
