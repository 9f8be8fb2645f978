"""A batch on Telegram: every picture arrives as one album, charged once; Full size works per picture."""
from __future__ import annotations

from tests.bounded import bounded
from tests.e2e.telegram_harness import USER, balance, bot_media, bot_message, calls, cli, photos, running_station
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin


@bounded(90)
async def test_a_batch_of_two_arrives_as_an_album_with_buttons_for_each_picture(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.02) as comfy, \
            running_station(tmp_path, tg, comfy.url) as app:
        await cli(tmp_path, "points", "grant", f"telegram:{USER}", "100")
        await tg.user_sends("/txt2img a red fox steps=4 batch_size=2 seed=7")
        result = await tg.wait_for(bot_message("a red fox", "seed 7"), timeout=30)
        await tg.wait_for(lambda _: len(calls(tg, "sendMediaGroup")) == 1)
        album = calls(tg, "sendMediaGroup")[0]
        assert len(album.files) == 2
        price = int(result.text.split("cost ")[1].split(" ")[0])
        assert await balance(app) == 100 - price  # charged once for the batch
        actions = [button["callback_data"] for button in result.buttons]
        assert [a.split(":")[0] for a in actions] == ["r", "v", "u", "s", "f", "f"]
        assert actions[-1].endswith(":2")

        await tg.user_clicks(result, actions[-1])
        second = await tg.wait_for(bot_media("document", "Full resolution", after=result.message_id), timeout=30)
        assert second.data["document"]["file_name"].endswith("_2.png")
        assert len(photos(tg)) >= 3  # the album's two pictures, then the full-size file
