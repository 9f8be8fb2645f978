"""/models in the chats: the loss curves of your own trained models come with the list (a photo on Telegram, an
attachment on Discord); a model whose run drew none is listed without one; another user sees no curve of yours."""
from __future__ import annotations

from tests.bounded import bounded
from tests.e2e.lora_training import model_without_curve, trained_model
from tests.e2e.telegram_harness import USER, bot_message, running_station
from tests.e2e.test_discord_flows import GUILD_ID, answered
from tests.e2e.test_discord_flows import running_station as discord_station
from tests.standins.comfyui import ComfyUIStandin
from tests.standins.discord import DiscordStandin
from tests.standins.telegram import TelegramStandin

KIM = {"id": 2002, "is_bot": False, "first_name": "Kim", "username": "Kim_Lee"}


async def public_otter_and_a_model_without_curve(app, identity: str):
    """The owner's trained 'otter' (made public) and 'drawn_none'; (the otter, its curve's bytes)."""
    station = app.container.use_cases.station()
    owner = await station.accounts.user_for(identity)
    await station.points.grant(owner.id, 100)
    otter = await trained_model(app, owner, "otter")
    await model_without_curve(app, owner, otter, "drawn_none")
    await station.models.set_visibility(owner.id, "otter", "public")
    return otter, await app.container.infra.blobs().get(otter.curve)


@bounded(90)
async def test_telegram_models_come_with_my_loss_curve_and_kim_sees_none(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.01) as comfy, \
            running_station(tmp_path, tg, comfy.url) as app:
        otter, curve = await public_otter_and_a_model_without_curve(app, f"telegram:{USER}")
        await tg.user_sends("/models")
        mine = await tg.wait_for(bot_message("otter (yours) · trigger otterzorb · loss curve attached",
                                             "drawn_none (yours)", chat=USER))
        await tg.user_sends("/models", user=KIM)
        kims = await tg.wait_for(bot_message("otter (public)", chat=KIM["id"]))
        shown = tg.world.files.get(mine.data["photo"][-1]["file_id"]).data
        assert shown == curve and curve.startswith(b"\x89PNG")
        assert "loss curve" not in mine.text.split("drawn_none")[1], "a model without a curve shows none"
        assert "photo" not in kims.data and "loss curve" not in kims.text and "drawn_none" not in kims.text


@bounded(90)
async def test_discord_models_come_with_my_loss_curve_and_bob_sees_none(tmp_path):
    async with DiscordStandin(guild_ids=[GUILD_ID]) as dc, ComfyUIStandin(step_delay=0.01) as comfy:
        ada, bob = dc.world.default_user, dc.new_user("bob")
        async with discord_station(tmp_path, dc, comfy.url) as app:
            otter, curve = await public_otter_and_a_model_without_curve(app, f"discord:{ada['id']}")
            mine = await dc.wait_for(answered(await dc.user_invokes("models", user=ada)), 20)
            bobs = await dc.wait_for(answered(await dc.user_invokes("models", user=bob)), 20)
        assert "otter (yours) · trigger otterzorb · loss curve attached" in mine.content
        assert [(a.filename, a.data) for a in mine.attachments] == [("otter-loss.png", curve)]
        assert "loss curve" not in mine.content.split("drawn_none")[1], "a model without a curve shows none"
        assert "otter (public)" in bobs.content and bobs.attachments == [] and "loss curve" not in bobs.content
