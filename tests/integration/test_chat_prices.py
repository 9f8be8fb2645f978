"""Prices before paying, through the chat kit and the real container: a threshold that asks, priced buttons, /help."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from adapters.chat.commands import ChatCommands
from adapters.chat.messages import ChatRequest
from adapters.chat.render import status_text
from domain.jobs import Job, JobKind, JobState
from domain.reply import ReplyTo
from ports.notifier import Notice, NoticeKind
from tests.fakes import png

ORIGIN = ReplyTo("test")
BIG = "a fox steps=60 width=768 height=768"  # 3 + 0.75 × 0.59 MP × 60 steps: 30 points, over the threshold of 20


@pytest.fixture
def kit(harness):
    return ChatCommands(harness.station, "https://station.example")


def say(command: str, text: str = "", identity: str = "telegram:1", key: str | None = None) -> ChatRequest:
    return ChatRequest(identity=identity, display_name="Ada", command=command, text=text, origin=ORIGIN,
                       request_key=key)


def press(action: str, key: str = "telegram:1:99", identity: str = "telegram:1") -> ChatRequest:
    return ChatRequest(identity=identity, display_name="Ada", command=action, origin=ORIGIN,
                       request_key=f"{key}:{action}")


async def jobs_of(harness, identity: str = "telegram:1"):
    return await harness.storage.jobs.of_user((await harness.user(identity)).id, limit=300)


async def test_a_job_within_the_threshold_starts_at_once_and_its_first_reply_names_its_price(kit, harness):
    await harness.user(points=100)
    assert await kit.handle(say("txt2img", "a fox", key="m1")) == []
    [job] = await jobs_of(harness)
    queued = await harness.notifier.wait_for(job.id, "queued")
    assert status_text(queued).startswith(f"⏳ /txt2img queued · {job.price} points ·")


async def test_above_the_threshold_the_price_and_the_balance_after_are_asked_about_and_nothing_is_charged(kit, harness):
    user = await harness.user(points=100)
    [asked] = await kit.handle(say("txt2img", BIG, key="m1"))
    assert asked.text == "💳 /txt2img costs 30 points: you have 100, 70 after. Start it?"
    assert [b.label for b in asked.buttons] == ["✅ Pay 30 points", "✖ Cancel"]
    assert await jobs_of(harness) == [] and await harness.station.points.balance(user.id) == 100

    confirm = asked.buttons[0].action
    paid = await asyncio.gather(kit.press(press(confirm)), kit.press(press(confirm)))  # a double click
    assert paid[0][0].text == "✅ /txt2img: 30 points paid." and paid[0][0].replaces_pressed
    [job] = await jobs_of(harness)
    assert job.price == 30 and job.params["steps"] == 60
    await harness.notifier.wait_for(job.id, "succeeded")
    assert await harness.station.points.balance(user.id) == 70  # exactly the quote, once
    [gone] = await kit.press(press(asked.buttons[1].action))
    assert gone.error and "already" in gone.text  # paid already: cancelling it is /cancel's job


async def test_cancelling_a_price_question_charges_nothing_and_its_buttons_then_say_so(kit, harness):
    user = await harness.user(points=100)
    [asked] = await kit.handle(say("txt2img", BIG, key="m1"))
    [dropped] = await kit.press(press(asked.buttons[1].action))
    assert dropped.text == "Not started; nothing was charged." and dropped.replaces_pressed
    [late] = await kit.press(press(asked.buttons[0].action))
    assert late.error and "no longer on offer" in late.text
    assert await jobs_of(harness) == [] and await harness.station.points.balance(user.id) == 100


async def test_a_threshold_of_zero_asks_before_any_paid_work_and_one_that_cannot_be_paid_is_not_asked(kit, harness):
    await harness.user(points=100)
    assert "confirm_above = 0 (yours)" in (await kit.handle(say("settings", "confirm_above=0")))[0].text
    [asked] = await kit.handle(say("txt2img", "a fox", key="m1"))
    assert asked.text.startswith("💳 /txt2img costs 7 points: you have 100, 93 after")
    await kit.handle(say("settings", "confirm_above=20"))
    await harness.user("telegram:2", points=10)
    [refused] = await kit.handle(say("txt2img", BIG, identity="telegram:2", key="m2"))
    assert refused.error and "Not enough points: this costs 30, your balance is 10" in refused.text
    assert "Ask this station's operator for points, or see https://station.example/points." in refused.text


async def test_result_buttons_show_their_price_and_a_price_that_moved_since_is_asked_about(kit, harness):
    user = await harness.user(points=100)
    await kit.handle(say("txt2img", "a fox", key="m1"))
    [job] = await jobs_of(harness)
    done = await harness.notifier.wait_for(job.id, "succeeded")
    reply = await kit.final_reply(done)
    assert [b.label for b in reply.buttons] == ["🎲 Reroll · 7", "✨ Vary · 7", "🔍 Upscale · 4", "💾 Save",
                                               "📄 Full size"]
    assert await kit.press(press(f"r:{job.id}:7")) == []  # as shown: it starts at once
    [asked] = await kit.press(press(f"r:{job.id}:5", key="telegram:1:100"))  # the button showed another price
    assert asked.text.startswith("💳 /txt2img costs 7 points")
    await asyncio.sleep(0)
    assert len(await jobs_of(harness)) == 2 and await harness.station.points.balance(user.id) <= 86


async def test_help_shows_each_price_as_a_number_for_my_settings_and_how_settings_are_written(kit, harness):
    await harness.user()
    shown = (await kit.handle(say("help")))[0].text
    assert "/txt2img: 7 points" in shown and "/upscale: 4 points" in shown and "×" not in shown
    assert "I ask before anything over 20 points" in shown and 'negative="dark, blurry"' in shown
    await kit.handle(say("settings", "steps=40"))
    assert "/txt2img: 11 points" in (await kit.handle(say("help")))[0].text


async def test_one_person_keeps_at_most_four_jobs_in_flight_and_the_fifth_is_refused_for_free(kit, harness):
    user = await harness.user(points=200)
    harness.engines[0].steps, harness.engines[0].step_delay = 100, 0.05
    for n in range(4):
        assert await kit.handle(say("txt2img", f"fox {n}", key=f"m{n}")) == []
    [refused] = await kit.handle(say("txt2img", "one more fox", key="m5"))
    assert refused.error and "You already have 4 jobs queued or running" in refused.text
    assert len(await jobs_of(harness)) == 4 and await harness.station.points.balance(user.id) == 200 - 4 * 7
    await kit.handle(say("cancel"))
    for job in await jobs_of(harness):
        await harness.station.jobs.cancel(user.id, job.id)


async def test_an_upscale_offers_no_reroll_or_variation_and_a_failed_job_offers_a_retry_not_save(kit, harness):
    user = await harness.user(points=100)
    key = await harness.station.media.store_input(user.id, png(64, 64))
    upscaled = Job(id="u" * 32, user_id=user.id, tool="upscale", kind=JobKind.IMAGE, params={"image": key}, price=4,
                   state=JobState.SUCCEEDED, created_at=0.0, updated_at=0.0, outputs=(f"results/{'u' * 32}/0.png",))
    done = await kit.final_reply(Notice(NoticeKind.SUCCEEDED, upscaled))
    assert [b.label for b in done.buttons] == ["💾 Save", "📄 Full size"]

    harness.engines[0].fail_next()
    failed = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "fox", "seed": 5}, ORIGIN)
    told = await kit.final_reply(await harness.notifier.wait_for(failed.id, "failed"))
    assert [b.label for b in told.buttons] == [f"🔁 Try again · {failed.price}"]
    assert await kit.press(press(told.buttons[0].action)) == []
    retried = next(j for j in await jobs_of(harness) if j.action == "retry")
    assert retried.params == failed.params and retried.parent_id == failed.id  # the same request, seed and all
    [nothing] = await kit.press(press(f"s:{failed.id}"))
    assert nothing.error and "no result to save" in nothing.text


async def test_a_button_on_a_result_two_hundred_jobs_old_still_starts_new_work(kit, harness):
    user = await harness.user(points=100)
    parent = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "an old fox"}, ORIGIN)
    await harness.notifier.wait_for(parent.id, "succeeded")
    first = (await kit.press(press(f"r:{parent.id}:7")), (await jobs_of(harness))[0])[1]
    await harness.notifier.wait_for(first.id, "succeeded")
    stored = await harness.storage.jobs.get(first.id)
    for n in range(205):  # newer jobs bury the parent and its reroll
        await harness.storage.jobs.add(replace(stored, id=f"newer{n:03d}", created_at=stored.created_at + n + 1,
                                               state=JobState.SUCCEEDED, paid=False, price=0, parent_id=None,
                                               action=None))
    assert await kit.press(press(f"r:{parent.id}:7")) == []
    rerolls = [j for j in await jobs_of(harness) if j.parent_id == parent.id]
    assert len(rerolls) == 2 and rerolls[0].id != first.id
    await harness.notifier.wait_for(rerolls[0].id, "succeeded")
