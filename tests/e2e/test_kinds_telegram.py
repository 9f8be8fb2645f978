"""Telegram gets every kind natively: an animation with sendAnimation, a video with sendVideo, text as messages (split
past 4096 characters, a file past two messages), a make-from-text button with its price, and captions for a dataset."""
import pytest

from tests.bounded import bounded
from tests.e2e.telegram_harness import USER, balance, bot_media, bot_message, grant, running_station
from tests.e2e.test_kinds_end_to_end import TEST_TEMPLATES
from tests.fakes import patterned_png
from tests.standins.comfyui import ComfyUIStandin
from tests.standins.telegram import TelegramStandin


@pytest.fixture
async def world(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.001, packs=("florence2", "searge_llm")) as comfy, \
            running_station(tmp_path, tg, comfy.url, STATIONTHIS_TEMPLATES_DIR=str(TEST_TEMPLATES),
                            WEB_PUBLIC_URL="https://station.example") as app:
        await grant(app, f"telegram:{USER}", 100)
        yield tg, comfy, app


def labels(message) -> list[str]:
    return [b["text"] for b in message.buttons]


@bounded(60)
async def test_an_animation_arrives_as_a_playing_gif_and_a_video_through_send_video(world):
    tg, _, _ = world
    await tg.user_sends_photo(patterned_png(64, 64, (20, 40, 200)), caption="/animate")
    animation = await tg.wait_for(bot_media("animation", "/animate"), timeout=30)
    assert animation.data["animation"]["mime_type"] == "image/gif" and labels(animation) == ["💾 Save"]  # no seed, nothing to reroll
    await tg.user_sends_photo(patterned_png(64, 64, (200, 40, 20)), caption="/clip")
    await tg.wait_for(bot_media("document", "/clip"), timeout=30)  # a WEBM: Telegram keeps it as a file
    [video] = [c for c in tg.calls("sendVideo") if c.ok]
    assert video.files["video"].filename.endswith(".webm")


@bounded(60)
async def test_a_description_arrives_as_words_and_make_with_this_prompt_charges_its_label(world):
    tg, comfy, app = world
    await tg.user_sends_photo(patterned_png(64, 64, (220, 20, 20)), caption="/describe")
    told = await tg.wait_for(bot_message("/describe", "picture in red"), timeout=30)
    [make] = [b for b in told.buttons if b["text"].startswith("🎨 Make with this prompt")]
    price = int(make["text"].split("· ")[1].split()[0])
    before = await balance(app)
    await tg.user_clicks(told, make["callback_data"])
    await tg.wait_for(bot_media("photo", "/txt2img", "picture in red"), timeout=30)
    assert await balance(app) == before - price
    assert comfy.received_graphs[-1]["6"]["inputs"]["text"] in told.text


@bounded(60)
async def test_assist_offers_make_it_and_use_mine_before_any_picture_is_paid(world):
    tg, comfy, app = world
    await tg.user_sends("/assist a fox in a tuxedo")
    told = await tg.wait_for(bot_message("/assist", "a fox in a tuxedo, highly detailed"), timeout=30)
    assert [label.split(" ·")[0] for label in labels(told)] == ["🎨 Make it", "✍️ Use mine", "🎲 Reroll", "💾 Save"]
    paid_for_assist = await balance(app)
    assert len(comfy.received_graphs) == 1  # no picture yet
    mine = next(b for b in told.buttons if b["text"].startswith("✍️ Use mine"))
    await tg.user_clicks(told, mine["callback_data"])
    await tg.wait_for(bot_media("photo", "/txt2img", "“a fox in a tuxedo”"), timeout=30)
    assert comfy.received_graphs[-1]["6"]["inputs"]["text"] == "a fox in a tuxedo"
    assert await balance(app) < paid_for_assist


@bounded(60)
async def test_a_text_longer_than_a_message_is_split_and_one_longer_than_two_is_sent_as_a_file(world):
    tg, _, _ = world
    await tg.user_sends("/echo " + "word " * 300)  # 1500 characters, given back three times: 4500
    last = await tg.wait_for(lambda m: bot_message("word word")(m) and bool(m.buttons), timeout=30)
    parts = [m for m in tg.messages_in(USER) if m.from_bot and (m.text or "").startswith(("/echo", "word"))]
    assert parts[-1].message_id == last.message_id
    assert len(parts) == 2 and all(len(m.text) <= 4096 for m in parts) and parts[-1].buttons
    await tg.user_sends("/echo " + "much " * 700)  # 3500 characters: 10500 given back
    document = await tg.wait_for(bot_media("document", "/echo"), timeout=30)
    assert document.data["document"]["file_name"].endswith(".txt") and document.buttons


@bounded(90)
async def test_autocaption_charges_per_picture_and_refunds_the_one_that_fails(world):
    tg, comfy, app = world
    await tg.user_sends("/train create pets")
    await tg.wait_for(bot_message("Dataset 'pets' created"))
    album = [(patterned_png(96, 96, (40 + n * 50, 90, 200 - n * 40)), None) for n in range(4)]
    await tg.user_sends_album(album)
    await tg.wait_for(bot_message("Added to 'pets': 4 images"))
    await tg.user_sends("/train trigger zorb")
    await tg.wait_for(bot_message("Trigger word for 'pets' is now zorb"))
    await tg.user_sends("/train autocaption")
    offer = await tg.wait_for(bot_message("Caption all 4 pictures of 'pets'"))
    assert labels(offer) == ["🏷 Caption all 4 · 4 pts"]
    comfy.fail_node_once("Florence2Run", "out of memory")
    await tg.user_clicks(offer, offer.buttons[0]["callback_data"])
    summary = await tg.wait_for(bot_message("Captions for 'pets': 3 of 4 pictures captioned", "1 point came back"),
                                timeout=60)
    assert summary.chat_id == USER and await balance(app) == 97
    await tg.user_sends("/train view")
    sheet = await tg.wait_for(bot_media("photo", "'pets': 4 images", "zorb, a "), timeout=30)
    assert [b["text"] for b in sheet.buttons] == ["🏷 Caption 1 · 1 pts"]  # the one without a caption, quoted
