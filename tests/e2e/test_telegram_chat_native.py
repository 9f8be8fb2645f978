"""Telegram as a new user meets it: prices before paying, plain words, priced buttons, collections, linking, albums."""
from __future__ import annotations

from tests.bounded import bounded
from tests.e2e.telegram_harness import USER, balance, bot_media, bot_message, calls, grant, picture, running_station
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin

KIM = {"id": 2002, "is_bot": False, "first_name": "Kim", "username": "Kim_Lee"}


def answered(tg: TelegramStandin, *fragments: str):
    """The answer to a button press, shown to the presser alone."""
    return lambda c: (getattr(c, "method", "") == "answerCallbackQuery" and c.ok
                      and all(f in (c.params.get("text") or "") for f in fragments))


@bounded(90)
async def test_a_price_over_my_threshold_is_asked_then_progress_and_the_result_read_plainly_with_priced_buttons(
        tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.1) as comfy, \
            running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 100)
        await tg.user_sends("/help")
        await tg.wait_for(bot_message("/txt2img: 7 points", "I ask before anything over 20 points"))
        await tg.user_sends("/txt2img a fox in the snow steps=60 width=768 height=768")
        asked = await tg.wait_for(bot_message("💳 /txt2img costs 30 points: you have 100, 70 after. Start it?"))
        assert [b["text"] for b in asked.buttons] == ["✅ Pay 30 points", "✖ Cancel"]
        assert await balance(app) == 100 and comfy.prompts_received == 0

        await tg.user_clicks(asked, asked.buttons[0]["callback_data"])
        await tg.wait_for(bot_message("✅ /txt2img: 30 points paid."))  # the question becomes the receipt
        result = await tg.wait_for(bot_media("photo", "a fox in the snow", "cost 30 points"), timeout=40)
        shown = [c.text for c in tg.sent if c.method in ("sendMessage", "editMessageText")]
        assert any(t.startswith("⏳ /txt2img queued · 30 points") for t in shown)
        assert any("sampling" in t and "s left" in t for t in shown), shown
        assert [b["text"] for b in result.buttons] == ["🎲 Reroll · 30", "✨ Vary · 7", "🔍 Upscale · 4", "💾 Save",
                                                      "📄 Full size"]
        assert await balance(app) == 70 and comfy.prompts_received == 1


@bounded(90)
async def test_saved_pictures_come_back_as_an_album_and_a_collection_is_shared_with_an_at_username(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin() as comfy, running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 100)
        await tg.user_sends("/start", user=KIM)  # Kim has used the bot, so her @name is known
        for prompt in ("a red fox", "a grey fox"):
            await tg.user_sends(f"/txt2img {prompt}")
            result = await tg.wait_for(bot_media("photo", prompt), timeout=30)
            await tg.user_clicks(result, next(b["callback_data"] for b in result.buttons if b["text"] == "💾 Save"))
            await tg.wait_for(answered(tg, "Saved to your collection 'Saved'"))
        await tg.user_sends("/collections view Saved")
        listed = await tg.wait_for(bot_message("📚 'Saved' (private):", "1. a picture from /txt2img “a red fox”"))
        album = calls(tg, "sendMediaGroup")[-1]
        assert len(album.files) == 2 and listed.message_id > album.response["result"][-1]["message_id"]

        await tg.user_sends("/collections share Saved @kim_lee")
        await tg.wait_for(bot_message("'Saved' is now shared with 1 person."))
        await tg.user_sends("/collections list", user=KIM)
        await tg.wait_for(bot_message("Saved · 2 items · shared · shared with you", chat=KIM["id"]))
        await tg.user_sends("/collections share Saved @nobody_at_all")
        await tg.wait_for(bot_message("You can't share with 'telegram:@nobody_at_all'", "their @username"))


@bounded(90)
async def test_linking_a_second_account_moves_its_pictures_and_points_and_its_old_buttons_still_work(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin() as comfy, running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 50)
        await grant(app, f"telegram:{KIM['id']}", 20)
        await tg.user_sends("/txt2img kim's owl", user=KIM)
        owl = await tg.wait_for(bot_media("photo", "kim's owl", chat=KIM["id"]), timeout=30)
        await tg.user_sends("/link")
        code = (await tg.wait_for(bot_message("Your one-time code"))).text.split("code: ")[1].split()[0]
        await tg.user_sends(f"/link {code}")
        await tg.wait_for(bot_message("That code is your own", "It still works"))

        await tg.user_sends(f"/link {code}", user=KIM)
        await tg.wait_for(bot_message("Linked", "one balance: 63 points", chat=KIM["id"]))
        await tg.user_clicks(owl, owl.buttons[0]["callback_data"], user=KIM)  # the reroll under Kim's old result
        await tg.wait_for(bot_media("photo", "kim's owl", after=owl.message_id, chat=KIM["id"]), timeout=30)
        assert await balance(app) == await balance(app, f"telegram:{KIM['id']}") == 56


@bounded(90)
async def test_an_album_captioned_once_gives_every_photo_that_caption(tmp_path):
    async with TelegramStandin() as tg, running_station(tmp_path, tg):
        await tg.user_sends("/train create cats")
        await tg.wait_for(bot_message("Dataset 'cats' created"))
        await tg.user_sends_album([(picture(color=c), "a cat on a sofa" if c == "red" else None)
                                   for c in ("red", "blue", "green", "white")])
        added = await tg.wait_for(bot_message("Added to 'cats': 4 images."))
        assert "without a caption" not in added.text
        await tg.user_sends("/train view")
        await tg.wait_for(bot_media("photo", "1. a cat on a sofa", "4. a cat on a sofa"))
