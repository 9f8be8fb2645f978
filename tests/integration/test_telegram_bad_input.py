"""Every mistake a Telegram user can make gets a short reply that says what is allowed, and costs nothing."""
from __future__ import annotations

import io
import os

from PIL import Image

from tests.bounded import bounded
from tests.e2e.telegram_harness import (
    USER,
    balance,
    bot_message,
    grant,
    photos,
    picture,
    running_station,
)
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin


async def replied(tg: TelegramStandin, text: str, *fragments: str, **where):
    """Send `text` and wait for the bot's reply to that very message, holding every fragment."""
    asked = await tg.user_sends(text, **where)
    said = bot_message(*fragments, chat=asked.chat_id)
    return await tg.wait_for(lambda m: said(m) and m.data["reply_to_message"]["message_id"] == asked.message_id)


@bounded(60)
async def test_unknown_commands_bad_values_and_too_few_points_are_explained_and_cost_nothing(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin() as comfy, running_station(tmp_path, tg, comfy.url) as app:
        await replied(tg, "/paint a cat", "Unknown command 'paint'", "txt2img")
        await replied(tg, "/txt2img a fox steps=lots", "steps: must be a whole number from 1 to 100, got 'lots'")
        await replied(tg, "/txt2img a fox steps=500", "steps: must be a whole number from 1 to 100, got 500")
        await replied(tg, "/txt2img a fox stesp=30", "stesp: is not a parameter; did you mean steps=")
        await replied(tg, "/txt2img a fox sampler=magic", "sampler: must be one of euler")
        await replied(tg, "/txt2img", "prompt: is required")
        await replied(tg, "/txt2img " + "x" * 2500, "prompt: is 2500 characters long; at most 2000 are allowed")
        await replied(tg, "/settings steps=0", "steps", "from 1 to 100")
        await replied(tg, "/txt2img a fox", "Not enough points: this costs 7, your balance is 0")
        await grant(app, f"telegram:{USER}", 5)
        await replied(tg, "/txt2img a fox steps=30", "Not enough points: this costs 9, your balance is 5")
        await replied(tg, "/img2img make it blue", "/img2img needs an image")
        await replied(tg, "/collections frobnicate", "Unknown /collections subcommand 'frobnicate'")
        await replied(tg, "hello there", "Send a command, e.g. /txt2img")

        assert comfy.prompts_received == 0 and await balance(app) == 5


@bounded(60)
async def test_stickers_voice_notes_files_edits_and_channels_get_a_polite_not_supported(tmp_path):
    async with TelegramStandin() as tg, running_station(tmp_path, tg) as app:
        sticker = await tg.user_sends_sticker()
        stickered = await tg.wait_for(bot_message("Sorry, I can't use stickers"))
        await tg.user_sends_voice(b"OggS not really", duration=2)
        await tg.wait_for(bot_message("Sorry, I can't use voice notes"))
        await tg.user_sends_document(b"a,b\n1,2\n", "data.csv", "text/csv")
        await tg.wait_for(bot_message("Sorry, I can't use files other than images"))
        asked = await tg.user_sends("/balance")
        await tg.wait_for(bot_message("You have 0 points"))
        await tg.user_edits_message(asked, "/txt2img a fox")
        edited = await tg.wait_for(bot_message("I only read new messages"))
        await tg.user_sends("news", chat=-1_002_000_000_009, chat_type="channel")
        channel = await tg.wait_for(bot_message("private chats and groups only"))

        assert edited.data["reply_to_message"]["message_id"] == asked.message_id
        assert channel.chat_id == -1_002_000_000_009
        assert stickered.data["reply_to_message"]["message_id"] == sticker.message_id
        assert await balance(app) == 0
        assert tg.calls("sendPhoto") == []


@bounded(60)
async def test_datasets_too_small_uncaptioned_or_with_captions_too_long_are_refused_with_the_reason(tmp_path):
    async with TelegramStandin() as tg, running_station(tmp_path, tg) as app:
        await grant(app, f"telegram:{USER}", 500)
        await replied(tg, "/train submit", "Create a dataset first.", "/train create NAME")
        await replied(tg, "/train create cats", "Dataset 'cats' created")
        await tg.user_sends_photo(picture(color="red"))
        await tg.wait_for(bot_message("Added to 'cats': 1 images", "Images without a caption: 1"))
        await replied(tg, "/train submit", "not ready", "it has 1 image; at least 4 are needed",
                      "image 1 has no caption", "no trigger word")
        await replied(tg, "/train caption 1 " + "c" * 1100, "A caption is at most 1000 characters; this one has 1100")
        await replied(tg, "/train caption 7 a cat", "There is no image 7")
        await replied(tg, "/train trigger two words", "A trigger word is 2 to 40 letters")
        await tg.user_sends_photo(picture(32, 32, "blue"), caption="tiny")
        await tg.wait_for(bot_message("each side must be at least 64 pixels"))

        assert await balance(app) == 500


@bounded(60)
async def test_an_image_larger_than_allowed_is_refused_before_it_is_downloaded_or_stored(tmp_path):
    async with TelegramStandin() as tg, running_station(tmp_path, tg, STATIONTHIS_MAX_UPLOAD_BYTES="100000") as app:
        await grant(app, f"telegram:{USER}", 50)
        await tg.user_sends_document(noise_png(400, 400), "big.png", "image/png", caption="/img2img make it pop")
        await tg.wait_for(bot_message("images of at most 0.1 MB are accepted"))

        assert tg.calls("getFile") == [] and photos(tg) == []
        assert not (tmp_path / "blobs" / "inputs").exists()
        assert await balance(app) == 50


def noise_png(width: int, height: int) -> bytes:
    """A PNG that does not compress: about 3 bytes per pixel."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()
