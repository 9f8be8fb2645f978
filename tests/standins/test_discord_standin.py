"""The Discord stand-in, driven by the real discord.py: gateway, slash commands, responses and faults."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os

import discord
import pytest
from discord import app_commands
from PIL import Image

from tests.bounded import bounded
from tests.standins.discord import DiscordStandin, point_discord_py_at

GUILD_ID = 1100000000000000001
FRUITS = ["apple", "apricot", "banana", "kiwi"]


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


class Panel(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Go", custom_id="panel:go")
    async def go(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message(f"go pressed by {interaction.user.name}", ephemeral=True)

    @discord.ui.button(label="Close", custom_id="panel:close")
    async def close(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="closed", view=None)

    @discord.ui.button(label="Refresh", custom_id="panel:refresh")
    async def refresh(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="refreshed")


class Bot(discord.Client):
    """A bot written only for these tests; `errors` collects the Discord error codes its handlers met."""

    def __init__(self, *, persistent_view: bool = False) -> None:
        super().__init__(intents=discord.Intents.default())
        self.tree = app_commands.CommandTree(self)
        self.persistent_view = persistent_view
        self.errors: list[int] = []
        define_commands(self, discord.Object(GUILD_ID))

    async def setup_hook(self) -> None:
        if self.persistent_view:
            self.add_view(Panel())
        await self.tree.sync(guild=discord.Object(GUILD_ID))
        await self.tree.sync()

    async def attempt(self, call) -> None:
        try:
            await call
        except discord.HTTPException as error:
            self.errors.append(error.code)


def define_commands(bot: Bot, guild: discord.Object) -> None:
    tree = bot.tree

    @tree.command(guild=guild, description="Count a picture")
    async def count(interaction: discord.Interaction, amount: app_commands.Range[int, 1, 5],
                    picture: discord.Attachment) -> None:
        data = await picture.read()
        await interaction.response.send_message(
            f"{amount} x {picture.filename} ({len(data)} bytes, {picture.width}x{picture.height})")

    @tree.command(guild=guild, description="Render a square image")
    async def render(interaction: discord.Interaction, size: app_commands.Range[int, 8, 64] = 16) -> None:
        await interaction.response.defer(thinking=True)
        image = discord.File(io.BytesIO(png(size, size)), "render.png")
        await bot.attempt(interaction.edit_original_response(content="rendered", attachments=[image]))

    @tree.command(guild=guild, description="Upload random bytes")
    async def noise(interaction: discord.Interaction, size: int) -> None:
        blob = discord.File(io.BytesIO(os.urandom(size)), "noise.bin")
        await bot.attempt(interaction.response.send_message("noise", file=blob))

    async def fruit_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f, value=f) for f in FRUITS if f.startswith(current)]

    @tree.command(guild=guild, description="Pick a fruit")
    @app_commands.autocomplete(fruit=fruit_choices)
    async def pick(interaction: discord.Interaction, fruit: str) -> None:
        await interaction.response.send_message(f"picked {fruit}")

    @tree.command(guild=guild, description="Show the panel")
    async def panel(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("panel", view=Panel())

    @tree.command(guild=guild, description="Answer after a delay")
    async def late(interaction: discord.Interaction, delay: float) -> None:
        await asyncio.sleep(delay)
        await bot.attempt(interaction.response.send_message("late"))

    @tree.command(guild=guild, description="Defer, then edit after a delay")
    async def later(interaction: discord.Interaction, delay: float) -> None:
        await interaction.response.defer()
        await asyncio.sleep(delay)
        await bot.attempt(interaction.edit_original_response(content="done"))

    @tree.command(guild=guild, description="Report in parts")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("part 1")
        second = await interaction.followup.send("part 2", wait=True)
        await second.edit(content="part 2, edited")

    lora = app_commands.Group(name="lora", description="LoRA models", guild_ids=[guild.id])
    train = app_commands.Group(name="train", description="Training sets", parent=lora)

    @train.command(name="add", description="Add a caption to a training set")
    async def train_add(interaction: discord.Interaction, caption: str, repeats: int = 1) -> None:
        await interaction.response.send_message(f"added {caption!r} x{repeats}")

    @lora.command(name="list", description="List models")
    async def lora_list(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("no models")

    tree.add_command(lora)

    @tree.command(description="Say hello, also by DM")
    async def hello(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("hello", ephemeral=True)
        await interaction.user.send("a DM for you")


@contextlib.asynccontextmanager
async def running(bot: discord.Client, dc: DiscordStandin):
    task = asyncio.create_task(bot.start(dc.token))
    try:
        yield bot
    finally:
        await bot.close()
        await asyncio.wait_for(task, 10)


@contextlib.asynccontextmanager
async def pointed_standin(**config):
    async with DiscordStandin(guild_ids=[GUILD_ID], heartbeat_interval=0.5, **config) as dc:
        with point_discord_py_at(dc):
            yield dc


@contextlib.asynccontextmanager
async def standin_with_bot(**config):
    async with pointed_standin(**config) as dc, running(Bot(), dc) as bot:
        await dc.wait_until_ready()
        yield dc, bot


@bounded(30)
async def test_the_bot_connects_gets_ready_and_syncs_its_commands_to_the_guild_and_globally():
    async with standin_with_bot() as (dc, bot):
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        assert bot.user.id == int(dc.bot_user["id"])
        assert bot.application_id == int(dc.application_id)
        assert [g.id for g in bot.guilds] == [GUILD_ID]
        assert bot.latency < 5  # a heartbeat was acknowledged
        assert {c["name"] for c in dc.commands(GUILD_ID)} == {
            "count", "render", "noise", "pick", "panel", "late", "later", "report", "lora"}
        assert [c["name"] for c in dc.commands()] == ["hello"]
        assert any(line.startswith("gateway connect ?v=10&encoding=json&compress=") for line in dc.traffic)
        assert f"PUT /api/v10/applications/{dc.application_id}/guilds/{GUILD_ID}/commands -> 200" in dc.traffic


@bounded(30)
async def test_an_auto_sharded_client_finds_the_gateway_through_gateway_bot():
    async with pointed_standin() as dc, running(discord.AutoShardedClient(intents=discord.Intents.default()), dc):
        await dc.wait_until_ready()
        assert "GET /api/v10/gateway/bot -> 200" in dc.traffic
        assert dc.sessions[0].history[0]["d"]["shard"] == [0, 1]  # READY echoes the shard it identified as


@bounded(30)
async def test_a_wrong_bot_token_is_refused_at_login():
    async with pointed_standin() as dc:
        bot = Bot()
        with pytest.raises(discord.LoginFailure):
            await bot.login("not-the-token")
        await bot.close()
        assert "GET /api/v10/users/@me -> 401" in dc.traffic


@bounded(30)
async def test_a_slash_command_with_a_bounded_integer_and_an_attachment_is_answered():
    async with standin_with_bot() as (dc, bot):
        rec = await dc.user_invokes("count", {"amount": 3}, attachments=[("cat.png", png(4, 3), "image/png")])
        await dc.wait_for(lambda: rec.original)
        assert rec.callbacks[0].type == 4
        assert rec.original.content == f"3 x cat.png ({len(png(4, 3))} bytes, 4x3)"
        with pytest.raises(ValueError, match="max_value"):
            await dc.user_invokes("count", {"amount": 6}, attachments=[("cat.png", png(4, 3), "image/png")])


@bounded(30)
async def test_a_deferred_response_is_edited_with_an_image_attachment():
    async with standin_with_bot() as (dc, bot):
        rec = await dc.user_invokes("render", {"size": 32})
        message = await dc.wait_for(lambda: rec.original if rec.original and not rec.original.loading else None)
        assert [c.type for c in rec.callbacks] == [5]
        assert message.history[0]["flags"] & 128  # the "thinking" version came first
        assert message.content == "rendered"
        [image] = message.attachments
        assert (image.filename, image.width, image.height, image.content_type) == ("render.png", 32, 32, "image/png")
        assert image.data == png(32, 32)


@bounded(30)
async def test_a_subcommand_inside_a_group_is_routed_by_its_path():
    async with standin_with_bot() as (dc, bot):
        added = await dc.user_invokes("lora train add", {"caption": "a red cat", "repeats": 2})
        listed = await dc.user_invokes("lora list")
        await dc.wait_for(lambda: added.original and listed.original)
        assert added.original.content == "added 'a red cat' x2"
        assert listed.original.content == "no models"


@bounded(30)
async def test_autocomplete_returns_the_choices_the_bot_offers():
    async with standin_with_bot() as (dc, bot):
        choices = await dc.user_autocompletes("pick", "fruit", "ap")
        assert choices == [{"name": "apple", "value": "apple"}, {"name": "apricot", "value": "apricot"}]


@bounded(30)
async def test_a_global_command_in_a_dm_is_answered_and_the_bot_can_dm_the_user():
    async with standin_with_bot() as (dc, bot):
        alice = dc.new_user("alice")
        rec = await dc.user_invokes("hello", user=alice, guild_id=None)
        await dc.wait_for(lambda: len(dc.dm_messages(alice)) >= 2)  # the response, then the bot's own DM
        assert "guild_id" not in rec.payload and rec.payload["user"]["id"] == alice["id"]
        assert rec.original.ephemeral and rec.original.content == "hello"
        assert [m.content for m in dc.dm_messages(alice)] == ["hello", "a DM for you"]  # both in the DM


@bounded(45)
async def test_a_persistent_button_is_clicked_after_the_bot_restarted():
    async with pointed_standin() as dc:
        async with running(Bot(), dc):
            await dc.wait_until_ready()
            rec = await dc.user_invokes("panel")
            panel = await dc.wait_for(lambda: rec.original)
        async with running(Bot(persistent_view=True), dc):
            await dc.wait_for(lambda: len(dc.sessions) == 2 and dc.sessions[1].ready)
            click = await dc.user_clicks(panel, "panel:go")
            await dc.wait_for(lambda: click.original)
        assert dc.sessions[1].resumes == 0  # the new bot identified afresh
        assert click.payload["message"]["id"] == panel.id
        assert click.original.content == "go pressed by tester" and click.original.ephemeral


@bounded(30)
async def test_buttons_update_the_message_they_are_on_at_once_or_after_deferring():
    async with standin_with_bot() as (dc, bot):
        rec = await dc.user_invokes("panel")
        panel = await dc.wait_for(lambda: rec.original)
        refresh = await dc.user_clicks(panel, "panel:refresh")
        await dc.wait_for(lambda: panel.content == "refreshed")
        close = await dc.user_clicks(panel, "panel:close")
        await dc.wait_for(lambda: panel.content == "closed")
        assert [c.type for c in refresh.callbacks + close.callbacks] == [6, 7]
        assert refresh.original is panel and close.original is panel
        assert panel.components == [] and [v["content"] for v in panel.history] == ["panel", "refreshed"]
        with pytest.raises(AssertionError, match="no enabled button"):
            await dc.user_clicks(panel, "panel:go")


@bounded(30)
async def test_the_first_followup_completes_a_deferred_response_and_later_ones_are_new_messages():
    async with standin_with_bot() as (dc, bot):
        rec = await dc.user_invokes("report")
        await dc.wait_for(lambda: rec.followups and rec.followups[0].content == "part 2, edited")
        assert rec.original.content == "part 1" and rec.original.ephemeral and not rec.original.loading
        assert [m.ephemeral for m in rec.followups] == [False]


@bounded(30)
async def test_rate_limited_requests_are_retried_by_discord_py():
    async with pointed_standin() as dc:
        dc.fail_next("PUT /applications/*/guilds/*/commands", retry_after=0.2)
        dc.fail_next("POST /interactions/*/*/callback", retry_after=0.1)
        async with running(Bot(), dc):
            await dc.wait_until_ready()
            rec = await dc.user_invokes("pick", {"fruit": "kiwi"})
            await dc.wait_for(lambda: rec.original)
        assert len(dc.rate_limited) == 2
        assert {c["name"] for c in dc.commands(GUILD_ID)} >= {"pick"}
        assert rec.original.content == "picked kiwi"


@bounded(30)
async def test_a_dropped_gateway_connection_resumes_and_replays_what_was_missed():
    async with standin_with_bot() as (dc, bot):
        session = await dc.wait_until_ready()
        await dc.drop_gateway()
        rec = await dc.user_invokes("pick", {"fruit": "banana"})  # dispatched while the bot is away
        await dc.wait_for(lambda: rec.original)
        assert session.resumes == 1 and len(dc.sessions) == 1
        assert rec.original.content == "picked banana"


@bounded(30)
async def test_a_reconnect_request_makes_discord_py_resume_its_session():
    async with standin_with_bot() as (dc, bot):
        session = await dc.wait_until_ready()
        await dc.send_reconnect()
        await dc.wait_for(lambda: session.resumes == 1 and session.connection)
        rec = await dc.user_invokes("pick", {"fruit": "apple"})
        await dc.wait_for(lambda: rec.original)
        assert len(dc.sessions) == 1


@bounded(30)
async def test_answering_the_same_interaction_twice_gives_40060():
    async with standin_with_bot() as (dc, bot):
        rec = await dc.user_invokes("late", {"delay": 0.0}, duplicate=True)
        await dc.wait_for(lambda: bot.errors)
        assert bot.errors == [40060]
        assert rec.rejections == [(400, 40060)]
        assert [c.type for c in rec.callbacks] == [4]


@bounded(30)
async def test_an_answer_after_the_deadline_gives_10062_and_a_stale_token_gives_50027():
    async with standin_with_bot(response_deadline=0.5, token_lifetime=1.0) as (dc, bot):
        too_late = await dc.user_invokes("late", {"delay": 1.0})
        stale = await dc.user_invokes("later", {"delay": 1.5})
        await dc.wait_for(lambda: len(bot.errors) == 2)
        assert sorted(bot.errors) == [10062, 50027]
        assert too_late.rejections == [(404, 10062)] and not too_late.callbacks
        assert stale.rejections == [(401, 50027)] and stale.original.loading  # the edit never landed


@bounded(30)
async def test_an_upload_over_the_attachment_size_limit_gives_40005():
    async with standin_with_bot(attachment_size_limit=1000) as (dc, bot):
        rec = await dc.user_invokes("noise", {"size": 2000})
        small = await dc.user_invokes("noise", {"size": 500})
        await dc.wait_for(lambda: bot.errors and small.original)
        assert bot.errors == [40005]
        assert rec.payload["attachment_size_limit"] == 1000
        assert rec.rejections == [(413, 40005)] and not rec.callbacks
        assert small.original.attachments[0].size == 500
