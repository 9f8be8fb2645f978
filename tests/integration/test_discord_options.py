"""Typed options and autocomplete: what a Discord user is offered comes from the catalogue and their own things."""
from __future__ import annotations

import asyncio
from pathlib import Path

from domain.reply import ReplyTo
from tests.bounded import bounded
from tests.e2e.test_discord_flows import answered, grant
from tests.fakes import FakeEngine, png
from tests.integration.test_discord_bad_input import GUILD_ID, bot, verbatim


async def account(app, user: dict):
    return await app.container.use_cases.accounts().user_for(f"discord:{user['id']}")


async def trained(app, user: dict, name: str):
    """A model `user` trained on the in-memory worker, made through the station as any platform would."""
    station = app.container.use_cases.station()
    owner = await account(app, user)
    await station.points.grant(owner.id, 1000)
    await station.training.create(owner.id, name)
    for n in range(4):
        await station.training.add_image(owner.id, name, png(128, 128, (n * 50, 20, 90)), caption=f"{name} {n}")
    await station.training.trigger(owner.id, name, f"{name}zorb")
    run = await station.training.confirm(owner.id, (await station.training.draft(owner.id, name)).id,
                                         ReplyTo("test"))
    while not (found := [m for m in await station.models.visible(owner.id) if m.job_id == run.job_id]):
        await asyncio.sleep(0.02)
    return found[0]


async def say(dc, name: str, options=None, **kwargs) -> str:
    rec = await dc.user_invokes(name, options, **kwargs)
    return (await dc.wait_for(answered(rec))).content


def names(choices: list[dict]) -> list[str]:
    return [c["name"] for c in choices]


@bounded()
async def test_every_template_is_a_command_with_typed_bounded_options_from_its_manifest(tmp_path):
    async with bot(tmp_path) as (dc, _):
        txt2img = next(c for c in dc.commands(GUILD_ID) if c["name"] == "txt2img")
        options = {o["name"]: o for o in txt2img["options"]}
        assert txt2img["description"] == "Make pictures from a text prompt."
        assert options["prompt"]["required"] and options["prompt"]["type"] == 3
        assert (options["steps"]["type"], options["steps"]["min_value"], options["steps"]["max_value"]) == (4, 1, 100)
        assert (options["cfg"]["type"], options["cfg"]["max_value"]) == (10, 20.0)
        assert options["seed"]["max_value"] == 2**32 - 1 and options["lora"]["autocomplete"]
        assert "euler" in [c["value"] for c in options["sampler"]["choices"]]
        img2img = next(c for c in dc.commands(GUILD_ID) if c["name"] == "img2img")
        assert next(o for o in img2img["options"] if o["name"] == "image")["type"] == 11
        train = next(c for c in dc.commands(GUILD_ID) if c["name"] == "train")
        add = next(o for o in train["options"] if o["name"] == "add")
        assert [o["name"] for o in add["options"] if o["type"] == 11] == [f"image{n}" for n in range(1, 11)]
        assert "train_lora" not in [c["name"] for c in dc.commands(GUILD_ID)]


@bounded()
async def test_lora_autocomplete_offers_my_models_then_shared_and_public_ones_then_the_workers(tmp_path):
    async with bot(tmp_path, FakeEngine(loras=["detail.safetensors"])) as (dc, app):
        alice, bob, carol = dc.world.default_user, dc.new_user("bob"), dc.new_user("carol")
        models = app.container.use_cases.models()
        await trained(app, bob, "bobcat")
        corgi = await trained(app, alice, "corgi")
        await models.share(corgi.owner, "corgi", (await account(app, bob)).id)
        heron = await trained(app, carol, "heron")
        await models.set_visibility(heron.owner, "heron", "public")
        await trained(app, carol, "secret")
        choices = await dc.user_autocompletes("txt2img", "lora", "", user=bob)
        assert names(choices) == ["bobcat · yours", "corgi · shared with you", "heron · public",
                                  "detail.safetensors · on the worker"]
        assert [c["value"] for c in await dc.user_autocompletes("txt2img", "lora", "HER", user=bob)] == ["heron"]
        assert await dc.user_autocompletes("txt2img", "checkpoint", "sd") == [
            {"name": "sd15.safetensors", "value": "sd15.safetensors"}]


@bounded()
async def test_collections_are_made_shared_with_a_mentioned_user_and_offered_by_autocomplete(tmp_path):
    async with bot(tmp_path) as (dc, _):
        bob = dc.new_user("bob")
        assert "Created collection 'Foxes'" in await say(dc, "collections create", {"name": "Foxes"})
        await say(dc, "collections create", {"name": "Owls"})
        assert await dc.user_autocompletes("collections view", "collection", "fo") == [
            {"name": "Foxes", "value": "Foxes"}]
        share_with_bob = verbatim(collection=(3, "Foxes"), user=(6, bob["id"]))
        refused = await say(dc, "collections share", share_with_bob)
        assert "You can't share with" in refused  # bob has never used StationThis: refused, not created
        await say(dc, "balance", {}, user=bob)
        shared = await say(dc, "collections share", share_with_bob)
        assert "shared with 1 person" in shared
        assert names(await dc.user_autocompletes("collections view", "collection", "", user=bob)) == [
            "Foxes · shared with you"]
        assert "'Foxes' (shared)" in await say(dc, "collections view", {"collection": "Foxes"}, user=bob)


@bounded()
async def test_settings_are_set_with_typed_options_shown_privately_and_reset(tmp_path):
    async with bot(tmp_path) as (dc, _):
        rec = await dc.user_invokes("settings set", {"steps": 33, "sampler": "heun", "cfg": 6.5})
        shown = await dc.wait_for(answered(rec))
        assert shown.ephemeral and "steps = 33 (yours)" in shown.content and "sampler = heun (yours)" in shown.content
        assert "cfg = 6.5 (yours)" in shown.content
        reset = await say(dc, "settings reset", {"names": "steps cfg"})
        assert "steps = 20\n" in reset and "sampler = heun (yours)" in reset


@bounded()
async def test_dataset_autocomplete_lists_mine_with_their_size(tmp_path):
    async with bot(tmp_path) as (dc, app):
        await trained(app, dc.world.default_user, "corgi")
        assert await dc.user_autocompletes("train view", "dataset", "") == [
            {"name": "corgi · 4 images", "value": "corgi"}]


@bounded()
async def test_a_link_code_is_shown_only_to_its_owner_and_joins_another_account(tmp_path):
    async with bot(tmp_path) as (dc, app):
        alice, bob = dc.world.default_user, dc.new_user("bob")
        await grant(app, alice, 40)
        await grant(app, bob, 2)
        rec = await dc.user_invokes("link code")
        shown = await dc.wait_for(answered(rec))
        assert shown.ephemeral and "one-time code" in shown.content
        code = shown.content.split("code: ")[1].split()[0]
        assert "42 points" in await say(dc, "link redeem", {"code": code}, user=bob)
        assert "42 points" in await say(dc, "balance", user=alice)


@bounded()
async def test_an_operator_template_discord_cannot_show_is_left_out_and_the_rest_still_work(tmp_path):
    mine = tmp_path / "templates"
    mine.mkdir()
    shipped = Path(__file__).resolve().parents[2] / "templates"
    (mine / "shouty.json").write_text((shipped / "txt2img.json").read_text())
    manifest = (shipped / "txt2img.toml").read_text().replace('name = "steps"', 'name = "Steps"')
    (mine / "shouty.toml").write_text(manifest.replace('"steps"', '"Steps"'))
    async with bot(tmp_path, env={"STATIONTHIS_TEMPLATES_DIR": str(mine)}) as (dc, app):
        assert "shouty" in app.container.infra.catalogue()
        registered = [c["name"] for c in dc.commands(GUILD_ID)]
        assert "shouty" not in registered and "txt2img" in registered
