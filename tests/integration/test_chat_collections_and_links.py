"""Collections and linking from a chat, through the chat kit and the real container."""
from __future__ import annotations

import pytest

from adapters.chat.commands import ChatCommands
from adapters.chat.messages import ChatRequest
from domain.reply import ReplyTo
from tests.fakes import png

ORIGIN = ReplyTo("test")


@pytest.fixture
def kit(harness):
    return ChatCommands(harness.station)  # no WEB_PUBLIC_URL


def say(command: str, text: str = "", identity: str = "telegram:1", **fields) -> ChatRequest:
    return ChatRequest(identity=identity, display_name="Ada", command=command, text=text, origin=ORIGIN, **fields)


def press(action: str, identity: str = "telegram:1", key: str = "telegram:1:50") -> ChatRequest:
    return ChatRequest(identity=identity, display_name="Ada", command=action, origin=ORIGIN,
                       request_key=f"{key}:{action}")


async def made(harness, identity: str = "telegram:1", prompt: str = "a fox", points: int = 100):
    user = await harness.user(identity, points=points)
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": prompt}, ORIGIN)
    await harness.notifier.wait_for(job.id, "succeeded")
    return user, await harness.storage.jobs.get(job.id)


async def test_save_fills_saved_and_view_shows_the_pictures_ten_to_a_page_with_a_button_for_more(kit, harness):
    user, _ = await made(harness, points=500)
    for n in range(12):
        job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": f"fox {n}"}, ORIGIN)
        await harness.notifier.wait_for(job.id, "succeeded")
        [saved] = await kit.press(press(f"s:{job.id}"))
        assert saved.private and saved.text == f"💾 Saved to your collection 'Saved' ({n + 1} in it)."
    [page] = await kit.handle(say("collections", "view Saved"))
    assert len(page.album) == 10 and all(data.startswith(b"\x89PNG") for _, data in page.album)
    assert page.text.startswith("📚 'Saved' (private), page 1 of 2:\n1. a picture from /txt2img “fox 0”")
    assert "results/" not in page.text and [b.label for b in page.buttons] == ["Page 2 ▶"]
    [second] = await kit.press(press(page.buttons[0].action))
    assert len(second.album) == 2 and "12. a picture from /txt2img “fox 11”" in second.text and not second.buttons


async def test_a_result_is_added_by_replying_to_it_and_a_model_by_its_name(kit, harness):
    user, job = await made(harness)
    await kit.handle(say("collections", "create Foxes"))
    [added] = await kit.handle(say("collections", "add Foxes", replied_job=job.id))
    assert added.text == "Added to 'Foxes' (1 items)."
    [what] = await kit.handle(say("collections", "add Foxes"))
    assert what.error and "reply to a result with /collections add NAME, or press 💾 Save" in what.text
    [unknown] = await kit.handle(say("collections", "add Foxes nosuchmodel"))
    assert unknown.error and "No model 'nosuchmodel'" in unknown.text


async def test_sharing_takes_an_at_username_or_a_reply_and_refuses_anyone_else_clearly(kit, harness):
    await made(harness)
    await kit.handle(say("collections", "create Foxes"))
    await kit.handle(say("start", identity="telegram:2", handle="Kim_Lee"))  # Kim has used the bot: her @name is known
    [shared] = await kit.handle(say("collections", "share Foxes @kim_lee edit"))
    assert shared.text == "'Foxes' is now shared with 1 person."
    assert "Foxes" in (await kit.handle(say("collections", "list", identity="telegram:2")))[0].text
    [refused] = await kit.handle(say("collections", "share Foxes @nobody_here"))
    assert refused.error and "You can't share with 'telegram:@nobody_here'" in refused.text
    assert "their @username (they must have used this bot), or reply to one of their messages" in refused.text
    await kit.handle(say("start", identity="telegram:3"))
    [by_reply] = await kit.handle(say("collections", "share Foxes", replied_identity="telegram:3"))
    assert by_reply.text == "'Foxes' is now shared with 2 people."
    assert await harness.station.accounts.identities((await harness.user("telegram:2")).id) == ["telegram:2"]


async def test_a_link_without_a_public_web_address_is_explained(kit, harness):
    await harness.user()
    await kit.handle(say("collections", "create Foxes"))
    [link] = await kit.handle(say("collections", "link Foxes 3"))
    assert "This station has no public web address set" in link.text and "/shared/" in link.text


async def test_your_own_link_code_is_refused_and_still_works_for_your_other_account(kit, harness):
    await harness.user(points=10)
    code = (await kit.handle(say("link")))[0].text.split("code: ")[1].split()[0]
    [own] = await kit.handle(say("link", code))
    assert own.error and "That code is your own" in own.text
    assert "Linked" in (await kit.handle(say("link", code, identity="discord:9")))[0].text


async def test_linking_moves_everything_of_the_joining_account_and_its_old_buttons_keep_working(kit, harness):
    bea, result = await made(harness, identity="discord:9", prompt="bea's fox", points=40)
    await kit.press(press(f"s:{result.id}", identity="discord:9"))
    await kit.handle(say("settings", "cfg=5", identity="discord:9"))
    await harness.station.training.create(bea.id, "pets")
    photo = await harness.station.media.store_input(bea.id, png(80, 80))
    edited = await harness.station.make_image.submit(bea.id, "img2img", {"image": photo, "prompt": "blue"}, ORIGIN)
    await harness.notifier.wait_for(edited.id, "succeeded")
    ada = await harness.user(points=10)
    await harness.station.training.create(ada.id, "pets")
    code = (await kit.handle(say("link")))[0].text.split("code: ")[1].split()[0]

    [linked] = await kit.handle(say("link", code, identity="discord:9"))
    spent = result.price + edited.price
    assert f"one balance: {10 + 40 - spent} points" in linked.text
    assert {j.id for j in await harness.storage.jobs.of_user(ada.id)} >= {result.id, edited.id}
    assert sorted(d.name for d in await harness.station.training.datasets(ada.id)) == ["pets", "pets_2"]
    assert [c.name for c in await harness.station.collections.list(ada.id)] == ["Saved"]
    assert (await harness.station.settings.show(ada.id))["cfg"] == (5.0, True)
    for action, job in (("r", result), ("r", edited), ("v", result)):  # the old buttons, pressed from either side
        assert await kit.press(press(f"{action}:{job.id}:{job.price}", identity="discord:9",
                                     key=f"telegram:1:{action}{job.id}")) == []
    newest = await harness.storage.jobs.of_user(ada.id, limit=3)
    assert {j.parent_id for j in newest} == {result.id, edited.id} and all(j.user_id == ada.id for j in newest)
    for job in newest:
        await harness.notifier.wait_for(job.id, "succeeded")


async def test_an_account_with_work_running_is_not_joined_and_the_code_stays_usable(kit, harness):
    harness.engines[0].steps, harness.engines[0].step_delay = 200, 0.05
    bea = await harness.user("discord:9", points=40)
    running = await harness.station.make_image.submit(bea.id, "txt2img", {"prompt": "slow"}, ORIGIN)
    await harness.user(points=10)
    code = (await kit.handle(say("link")))[0].text.split("code: ")[1].split()[0]
    [busy] = await kit.handle(say("link", code, identity="discord:9"))
    assert busy.error and "still has 1 job running or waiting" in busy.text
    await harness.station.jobs.cancel(bea.id, running.id)
    await harness.notifier.wait_for(running.id, "cancelled")
    assert "Linked" in (await kit.handle(say("link", code, identity="discord:9")))[0].text
