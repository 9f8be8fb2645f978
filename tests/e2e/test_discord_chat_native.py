"""Discord in Discord's terms: typed help, private answers, no pings from user text, prices answered in place,
and a bot that comes back from gateway and API failures."""
from __future__ import annotations

import asyncio
import time

import httpx

from tests.bounded import bounded
from tests.e2e.test_discord_flows import GUILD_ID, answered, balance, button, grant, running_station, with_image
from tests.fakes import png
from tests.standins.comfyui import ComfyUIStandin
from tests.standins.discord import DiscordStandin


def text_of(message) -> str:
    return message.content + "".join(e.get("description") or "" for e in message.embeds)


@bounded(90)
async def test_help_training_texts_and_settings_speak_discords_terms_and_accounts_stay_private(tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, ComfyUIStandin() as comfy, \
            running_station(tmp_path, dc, comfy.url) as app:
        user = dc.world.default_user
        await grant(app, user, 40)

        async def say(name, options=None, attachments=()):
            return await dc.wait_for(answered(await dc.user_invokes(name, options, attachments=attachments)), 20)

        shown = await say("help")
        assert shown.ephemeral and "/txt2img: 7 points" in text_of(shown)
        assert "/train caption number: text: [dataset:]" in text_of(shown) and "key=value" not in text_of(shown)
        assert (await say("balance")).ephemeral
        created = await say("train create", {"name": "pets"})
        assert "with /train add" in created.content and "album" not in created.content
        photos = [(f"p{n}.png", png(96, 96, (n * 60, 40, 90)), "image/png") for n in range(4)]
        await say("train add", {"caption": "@here free nitro"}, attachments=photos)
        sheet = await say("train view")
        assert sheet.ephemeral and sheet.attachments and "@here free nitro" in sheet.content
        settings = await say("settings set", {"steps": 30})
        assert settings.ephemeral and "/settings set steps:30" in settings.content and "steps=" not in settings.content
        pinging = [m for m in dc.messages() if "@here" in text_of(m) or "@everyone" in text_of(m)]
        assert pinging and all(m.allowed_mentions and m.allowed_mentions["parse"] == [] for m in pinging)


@bounded(90)
async def test_a_price_question_is_answered_in_its_own_message_and_save_and_full_size_answer_privately(tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, ComfyUIStandin() as comfy, \
            running_station(tmp_path, dc, comfy.url) as app:
        user = dc.world.default_user
        await grant(app, user, 40)
        await dc.wait_for(answered(await dc.user_invokes("settings set", {"confirm_above": 0})))
        rec = await dc.user_invokes("txt2img", {"prompt": "@everyone look at this fox"})
        asked = await dc.wait_for(answered(rec))
        assert asked.content == "💳 /txt2img costs 7 points: you have 40, 33 after. Start it?"
        click = await dc.user_clicks(asked, button(asked, "Pay 7 points"))
        result = await dc.wait_for(with_image(click), 30)
        assert click.callbacks[0].type == 7 and result.id == asked.id  # the question became the status, then the result
        assert "✅ /txt2img: 7 points paid." in [v["content"] for v in result.history]
        assert await balance(app, user) == 33

        saved = await dc.user_clicks(result, button(result, "Save"))
        assert "Saved to your collection" in (await dc.wait_for(answered(saved))).content
        assert saved.original.ephemeral
        full = await dc.user_clicks(result, button(result, "Full size"))
        assert (await dc.wait_for(answered(full))).ephemeral and full.original.attachments
        assert all(m.allowed_mentions and m.allowed_mentions["parse"] == [] for m in dc.messages()
                   if "@everyone" in text_of(m))


@bounded(120)
async def test_a_gateway_that_refuses_at_start_and_fails_for_good_mid_session_is_reconnected_and_health_says_so(
        tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, ComfyUIStandin() as comfy:
        dc.refuse_next_connections(2)  # discord.py alone gives up after a failed first connection
        async with running_station(tmp_path, dc, comfy.url) as app:
            health = f"{app.platforms[0].url}/healthz"
            async with httpx.AsyncClient() as http:
                assert (await http.get(health)).json()["platforms"] == {"discord": {"connected": True}}
                await dc.drop_gateway(4004)  # a close discord.py does not resume from: its client stops
                down = await _health_until(http, health, "degraded")
                assert down["platforms"] == {"discord": {"connected": False}}
                await dc.wait_for(lambda: len([s for s in dc.sessions if s.ready]) >= 2, 20)
                await dc.wait_for(lambda: app.container.infra.connections().states() == {"discord": True}, 10)
                assert (await http.get(health)).json()["platforms"] == {"discord": {"connected": True}}
            await grant(app, dc.world.default_user, 9)
            reply = await dc.wait_for(answered(await dc.user_invokes("balance")), 20)
            assert "You have 9 points" in reply.content
        assert sum(1 for line in dc.traffic if line.startswith("gateway connect")) >= 4


async def _health_until(http: httpx.AsyncClient, url: str, status: str, within: float = 10.0) -> dict:
    """The health report once it says `status`."""
    deadline = time.monotonic() + within
    while (body := (await http.get(url)).json())["status"] != status:
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.02)
    return body


@bounded(90)
async def test_a_502_from_discords_api_is_retried_and_the_answer_arrives_once(tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, ComfyUIStandin(step_delay=0.05) as comfy, \
            running_station(tmp_path, dc, comfy.url) as app:
        await grant(app, dc.world.default_user, 20)
        dc.fail_next("PATCH /webhooks/*/messages/@original", times=1, status=502)
        rec = await dc.user_invokes("txt2img", {"prompt": "a fox behind a bad gateway"})
        result = await dc.wait_for(with_image(rec), 30)
        assert "PATCH" in dc.rate_limited[0] and result.embeds[0]["description"] == "a fox behind a bad gateway"
        assert len([m for m in dc.messages() if m.attachments]) == 1
