"""A whole Telegram conversation, as a user plays it, against the real app, the stand-in Bot API and ComfyUI."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.bounded import bounded
from tests.e2e.telegram_harness import (
    USER,
    balance,
    bot_media,
    bot_message,
    cli,
    grant,
    picture,
    running_station,
)
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin


@bounded(90)
async def test_start_points_from_the_cli_txt2img_with_live_progress_then_a_photo_whose_reroll_works(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.1) as comfy, \
            running_station(tmp_path, tg, comfy.url) as app:
        await tg.user_sends("/start")
        await tg.wait_for(bot_message("Welcome to StationThis", "You have 0 points"))
        menu = tg.calls("setMyCommands")[0].params["commands"]
        assert {"start", "help", "balance", "train", "txt2img", "img2img"} <= {c["command"] for c in menu}

        assert "balance 100" in await cli(tmp_path, "points", "grant", f"telegram:{USER}", "100")
        await tg.user_sends("/balance")
        await tg.wait_for(bot_message("You have 100 points"))

        asked = await tg.user_sends("/txt2img a red fox steps=30 seed=7")
        status = await tg.wait_for(bot_message("/txt2img queued"))
        result = await tg.wait_for(bot_media("photo", "a red fox", "seed 7", "cost 9 points"), timeout=30)

        assert status.data["reply_to_message"]["message_id"] == asked.message_id
        shown = [version["text"] for version in status.history] + [status.text]
        assert shown[0].startswith("⏳ /txt2img queued") and any("running" in text and "%" in text for text in shown)
        await tg.wait_for(lambda _: status.deleted)  # the status message goes once the result is there
        assert result.data["reply_to_message"]["message_id"] == asked.message_id
        actions = [button["callback_data"] for button in result.buttons]
        assert [a.split(":")[0] for a in actions] == ["r", "v", "u", "s", "f"]
        assert await balance(app) == 91

        await tg.user_clicks(result, actions[0])
        reroll = await tg.wait_for(bot_media("photo", "a red fox", "cost 9 points", after=result.message_id),
                                   timeout=30)
        assert "seed 7 ·" not in reroll.caption  # a new seed (which may well start with 7)
        assert [b["callback_data"].split(":")[0] for b in reroll.buttons] == ["r", "v", "u", "s", "f"]
        assert await balance(app) == 82
        assert comfy.prompts_received == 2


@bounded(60)
async def test_an_image_edit_command_takes_the_photo_it_captions_or_replies_to(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin() as comfy, running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 50)
        await tg.user_sends_photo(picture(256, 256, "red"), caption="/img2img make it blue denoise=0.5")
        await tg.wait_for(bot_media("photo", "/img2img", "make it blue"), timeout=30)
        green = await tg.user_sends_photo(picture(256, 256, "green"))
        await tg.wait_for(bot_message("To use a photo, caption it with a command"))
        asked = await tg.user_sends("/img2img now in gold", reply_to=green)
        result = await tg.wait_for(bot_media("photo", "/img2img", "now in gold"), timeout=30)

        assert result.data["reply_to_message"]["message_id"] == asked.message_id
        sent_in = [_loaded_colour(comfy, graph) for graph in comfy.received_graphs]
        assert sent_in == [(255, 0, 0), (0, 128, 0)]
        assert await balance(app) < 50


def _loaded_colour(comfy: ComfyUIStandin, graph: dict) -> tuple[int, int, int]:
    [name] = [n["inputs"]["image"] for n in graph.values() if n["class_type"] == "LoadImage"]
    with Image.open(Path(comfy.dir("input"), name)) as image:
        return image.convert("RGB").getpixel((10, 10))
