"""Discord gets every kind on one message: an animation as a GIF in the embed, a video attached (or linked when it
is past the upload limit), text in the embed (and as a file when longer), and the make-from-text buttons."""
from __future__ import annotations

import asyncio

from tests.bounded import bounded
from tests.e2e.test_discord_flows import GUILD_ID, answered, balance, button, grant, running_station
from tests.e2e.test_kinds_end_to_end import TEST_TEMPLATES
from tests.fakes import patterned_png
from tests.standins.comfyui import ComfyUIStandin
from tests.standins.discord import DiscordStandin

ENV = {"STATIONTHIS_TEMPLATES_DIR": str(TEST_TEMPLATES), "WEB_PUBLIC_URL": "https://station.example"}


def finished(rec):
    """The response once the job's result (its embed) is on it."""
    return lambda: rec.original if rec.original is not None and rec.original.embeds else None


def picture(colour) -> list:
    return [("in.png", patterned_png(64, 64, colour), "image/png")]


@bounded(90)
async def test_animation_video_and_text_arrive_on_one_message_each(tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, \
            ComfyUIStandin(step_delay=0.001, packs=("florence2", "searge_llm")) as comfy:
        user = dc.world.default_user
        async with running_station(tmp_path, dc, comfy.url, **ENV) as app:
            await grant(app, user, 100)
            animation = await dc.wait_for(finished(await dc.user_invokes("animate", {}, attachments=picture(
                (20, 40, 200)))), 30)
            video = await dc.wait_for(finished(await dc.user_invokes("clip", {}, attachments=picture((200, 40, 20)))),
                                      30)
            described = await dc.wait_for(finished(await dc.user_invokes("describe", {}, attachments=picture(
                (20, 200, 20)))), 30)
            long_text = await dc.wait_for(finished(await dc.user_invokes("echo", {"words": "word " * 300})), 30)
    [gif] = animation.attachments
    assert gif.filename.endswith(".gif") and gif.data.startswith(b"GIF89a")
    assert animation.embeds[0]["image"]["url"] == f"attachment://{gif.filename}"
    [webm] = video.attachments
    assert webm.filename.endswith(".webm") and "image" not in video.embeds[0]  # a player, not an embedded picture
    assert "picture in green" in described.embeds[0]["description"] and not described.attachments
    assert "Make with this prompt" in button_labels(described)
    assert len(long_text.embeds[0]["description"]) <= 4000
    [words] = long_text.attachments
    assert words.filename.endswith(".txt") and len(words.data) > 4000


def button_labels(message) -> str:
    return " ".join(c["label"] for row in message.components for c in row["components"])


@bounded(90)
async def test_a_video_past_the_upload_limit_is_linked_on_the_web_and_make_it_charges_its_label(tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID], attachment_size_limit=600) as dc, \
            ComfyUIStandin(step_delay=0.001, packs=("florence2", "searge_llm")) as comfy:
        user = dc.world.default_user
        async with running_station(tmp_path, dc, comfy.url, **ENV) as app:
            await grant(app, user, 100)
            video = await dc.wait_for(finished(await dc.user_invokes("clip", {}, attachments=[
                ("in.png", patterned_png(64, 64, (200, 40, 20)), "image/png")])), 30)
            assisted = await dc.wait_for(finished(await dc.user_invokes("assist", {"prompt": "a fox in a hat"})), 30)
            label = next(c["label"] for row in assisted.components for c in row["components"]
                         if c["label"].startswith("🎨 Make it"))
            before = await balance(app, user)
            click = await dc.user_clicks(assisted, button(assisted, "Make it"))
            await dc.wait_for(answered(click), 30)
            for _ in range(300):
                if comfy.received_graphs[-1].get("6", {}).get("inputs", {}).get("text", "").startswith("a fox in a hat,"):
                    break
                await asyncio.sleep(0.05)
            spent = before - await balance(app, user)
    assert not video.attachments
    [note] = [f["value"] for f in video.embeds[0]["fields"] if f["name"] == "Full size"]
    assert "The video" in note and "too large for Discord's 600 bytes limit" in note and \
        "https://station.example/jobs/" in note
    assert "Use mine" in button_labels(assisted) and spent == int(label.split("· ")[1].split()[0])
