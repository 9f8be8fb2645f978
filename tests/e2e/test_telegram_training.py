"""Training a LoRA from Telegram: an album becomes a dataset, a quote is confirmed, the model is used in /txt2img."""
from __future__ import annotations

from tests.bounded import bounded
from tests.e2e.telegram_harness import (
    USER,
    balance,
    bot_media,
    bot_message,
    grant,
    picture,
    running_station,
)
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin


@bounded(120)
async def test_an_album_with_captions_becomes_a_dataset_whose_confirmed_training_makes_a_lora_txt2img_can_use(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.05) as comfy, \
            running_station(tmp_path, tg, comfy.url) as app:
        await grant(app, f"telegram:{USER}", 200)
        await tg.user_sends("/train create fox")
        await tg.wait_for(bot_message("Dataset 'fox' created"))

        album = [(picture(color=c), caption) for c, caption in
                 (("red", "a fox in snow"), ("orange", "a fox running"), ("brown", "a fox asleep"), ("white", None))]
        sent = await tg.user_sends_album(album)
        added = await tg.wait_for(bot_message("Added to 'fox': 4 images", "Images without a caption: 4"))
        assert added.data["reply_to_message"]["message_id"] == sent[0].message_id
        assert len([m for m in tg.messages_in(USER) if "Added to" in (m.text or "")]) == 1, "an album answers once"
        await tg.user_sends_document(picture(color="grey", kind="JPEG"), "fox.jpg", "image/jpeg", caption="a fox file")
        await tg.wait_for(bot_message("Added to 'fox': 5 images", "Images without a caption: 4"))

        await tg.user_sends("/train submit")
        await tg.wait_for(bot_message("not ready", "image 4 has no caption", "no trigger word"))
        await tg.user_sends("/train caption 4 a fox in the grass")
        await tg.wait_for(bot_message("Caption 4 set"))
        await tg.user_sends("/train trigger foxy")
        await tg.wait_for(bot_message("Trigger word for 'fox' is now foxy"))
        await tg.user_sends("/train view")
        sheet = await tg.wait_for(bot_media("photo", "'fox': 5 images", "4. foxy, a fox in the grass", "5. foxy, a fox file",
                                            "Ready"))
        assert sheet.data["photo"][-1]["width"] > 128, "the contact sheet shows every image"

        await tg.user_sends("/train submit steps=20")
        quote = await tg.wait_for(bot_message("Train 'fox' for 20 steps: 30 points (you have 200)"))
        assert [b["text"] for b in quote.buttons] == ["✅ Pay 30 points", "✖ Cancel"]
        assert await balance(app) == 200, "a quote costs nothing"
        await tg.user_clicks(quote, quote.buttons[0]["callback_data"])
        await tg.wait_for(bot_message("Training submitted (30 points paid)"))
        await tg.wait_for(lambda c: getattr(c, "method", "") == "sendMessage" and "/train_lora queued" in c.text)
        await tg.wait_for(bot_media("photo", "Training finished: model 'fox' is ready"), timeout=30)  # loss curve
        assert await balance(app) == 170
        told = [c.params.get("text") or "" for c in tg.sent if c.method in ("sendMessage", "editMessageText")]
        assert any("training " in t and "/20" in t for t in told), "the steps of the training were shown"

        station = app.container.use_cases.station()
        user = await station.accounts.user_for(f"telegram:{USER}")
        [model] = await station.models.visible(user.id)
        comfy.loras.append(model.filename)  # the operator's ComfyUI lists trained LoRAs among its models
        await tg.user_sends("/models")
        await tg.wait_for(bot_message("fox (yours) · trigger foxy"))
        await tg.user_sends("/txt2img foxy on a hill lora=fox")
        await tg.wait_for(bot_media("photo", "foxy on a hill"), timeout=30)
        loaders = [n for n in comfy.received_graphs[-1].values() if n["class_type"] == "LoraLoader"]
        assert [n["inputs"]["lora_name"] for n in loaders] == [model.filename]
        assert await balance(app) < 170
