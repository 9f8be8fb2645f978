"""The chat kit both bots share, driven through the real container with fakes only at the ports."""
import pytest

from adapters.chat.commands import ChatCommands
from adapters.chat.messages import ChatRequest
from domain.reply import ReplyTo
from tests.fakes import png

ORIGIN = ReplyTo("test")


@pytest.fixture
def kit(harness):
    return ChatCommands(harness.station, "https://station.example")


def say(command, text="", identity="telegram:1", images=None):
    return ChatRequest(identity=identity, display_name="Ada", command=command, text=text, images=images or [],
                       origin=ORIGIN)


async def text_of(kit, request) -> str:
    return "\n".join(r.text for r in await kit.handle(request))


async def test_help_lists_every_builtin_and_every_template_with_its_price(kit):
    text = await text_of(kit, say("help"))
    for name in ("/balance", "/train", "/txt2img", "/img2img", "/upscale"):
        assert name in text
    assert "points" in text


async def test_a_template_command_takes_free_text_as_the_prompt_and_key_values_as_parameters(kit, harness):
    await harness.user(points=100)
    assert await kit.handle(say("txt2img", "a red fox in snow steps=12 seed=7")) == []
    job = (await harness.storage.jobs.of_user((await harness.user()).id))[0]
    assert job.params["prompt"] == "a red fox in snow" and job.params["steps"] == 12 and job.params["seed"] == 7


async def test_only_the_tools_own_parameter_names_are_read_and_any_other_word_with_a_sign_stays_in_the_prompt(
        kit, harness):
    await harness.user(points=100)
    assert await kit.handle(say("txt2img", 'energy e=mc2 colour=red steps=3 negative="dark, blurry"')) == []
    job = (await harness.storage.jobs.of_user((await harness.user()).id))[0]
    assert job.params["prompt"] == "energy e=mc2 colour=red" and job.params["steps"] == 3
    assert job.params["negative"] == "dark, blurry"


@pytest.mark.parametrize("command, text, expected", [
    ("txt2img", "fox steps=abc", "steps: must be a whole number from 1 to 100"),
    ("txt2img", "fox steps=999", "got 999"),
    ("txt2img", "fox stpes=30", "stpes: is not a parameter; did you mean steps=…?"),
    ("txt2img", "", "prompt: is required"),
    ("nosuch", "", "Unknown command 'nosuch'"),
    ("img2img", "a cat", "needs an image"),
    ("train", "fly", "Unknown /train subcommand 'fly'"),
    ("settings", "steps", "Write settings as key=value"),
    ("settings", "steps=0", "steps: must be a whole number"),
])
async def test_every_mistake_gets_an_error_reply_that_says_what_is_allowed_and_costs_nothing(
        kit, harness, command, text, expected):
    user = await harness.user(points=100)
    replies = await kit.handle(say(command, text))
    assert replies and replies[0].error and expected in replies[0].text
    assert await harness.station.points.balance(user.id) == 100


async def test_not_enough_points_tells_the_balance_and_the_price(kit, harness):
    await harness.user(points=2)
    reply = (await kit.handle(say("txt2img", "fox")))[0]
    assert reply.error and "balance is 2" in reply.text and "costs" in reply.text


async def test_a_non_image_sent_to_an_image_tool_is_refused_clearly(kit, harness):
    user = await harness.user(points=100)
    reply = (await kit.handle(say("upscale_simple", "", images=[b"not an image at all"])))[0]
    assert reply.error and "not an image" in reply.text.lower()
    assert await harness.station.points.balance(user.id) == 100


async def test_settings_are_shown_set_within_bounds_and_reset(kit, harness):
    assert "steps = 20" in await text_of(kit, say("settings"))
    assert "steps = 33 (yours)" in await text_of(kit, say("settings", "steps=33 cfg=6"))
    assert "steps = 20" in await text_of(kit, say("settings", "reset"))


async def test_the_train_conversation_builds_a_dataset_and_confirm_charges_once(kit, harness):
    user = await harness.user(points=1000)
    assert "created" in await text_of(kit, say("train", "create kitty"))
    for n in range(4):
        await kit.handle(ChatRequest(identity="telegram:1", display_name="Ada", command="photo", text=None,
                                     options={"caption": f"kitty photo {n}" if n else ""},
                                     images=[png(100, 100, (n * 50, 0, 0))], origin=ORIGIN))
    view = (await kit.handle(say("train", "view")))[0]
    assert view.image.startswith(b"\x89PNG") and "1. (no caption)" in view.text and "Fix before training" in view.text
    await kit.handle(say("train", "caption 1 kitty on a sofa"))
    await kit.handle(say("train", "trigger kittyzorb"))
    quote = (await kit.handle(say("train", "submit steps=50")))[0]
    price = int(quote.text.split(": ")[1].split(" points")[0])
    assert [b.label for b in quote.buttons] == [f"✅ Pay {price} points", "✖ Cancel"]
    press = ChatRequest(identity="telegram:1", display_name="Ada", command=quote.buttons[0].action, origin=ORIGIN)
    assert "submitted" in (await kit.press(press))[0].text
    await kit.press(press)
    run = (await harness.station.training.runs(user.id))[0][0]
    await harness.notifier.wait_for(run.job_id, "succeeded")
    assert await harness.station.points.balance(user.id) == 1000 - price
    assert "kitty" in await text_of(kit, say("models"))


async def test_an_unknown_or_old_button_has_expired(kit):
    for action in ("zz:abc", "r:", "nonsense"):
        reply = (await kit.press(ChatRequest(identity="telegram:1", display_name="Ada", command=action)))[0]
        assert reply.error and "expired" in reply.text


async def test_someone_elses_result_button_does_nothing_for_me(kit, harness):
    await harness.user("telegram:1", points=100)
    await kit.handle(say("txt2img", "fox"))
    job = (await harness.storage.jobs.of_user((await harness.user("telegram:1")).id))[0]
    await harness.notifier.wait_for(job.id, "succeeded")
    reply = (await kit.press(ChatRequest(identity="telegram:2", display_name="Eve", command=f"r:{job.id}")))[0]
    assert reply.error and "not yours" in reply.text


async def test_a_link_code_joins_two_platforms_into_one_balance(kit, harness):
    await harness.user("telegram:1", points=40)
    await harness.user("discord:9", points=2)
    code = (await kit.handle(say("link")))[0].text.split("code: ")[1].split()[0]
    joined = await text_of(kit, say("link", code, identity="discord:9"))
    assert "42 points" in joined
    again = (await kit.handle(say("link", code, identity="discord:9")))[0]
    assert again.error and "already used" in again.text


async def test_collections_are_created_filled_shared_and_linked(kit, harness):
    await harness.user(points=100)
    await kit.handle(say("txt2img", "fox"))
    job = (await harness.storage.jobs.of_user((await harness.user()).id))[0]
    await harness.notifier.wait_for(job.id, "succeeded")
    await kit.handle(say("collections", "create Foxes"))
    replying = say("collections", "add Foxes")
    replying.replied_job = job.id
    assert "1 items" in await text_of(kit, replying)
    await harness.user("telegram:2")
    assert "shared with 1" in await text_of(kit, say("collections", "share Foxes telegram:2"))
    assert "Foxes" in await text_of(kit, say("collections", "list", identity="telegram:2"))
    assert "https://station.example/shared/" in await text_of(kit, say("collections", "link Foxes 3"))
    refused = (await kit.handle(say("collections", "remove Foxes 1", identity="telegram:2")))[0]
    assert refused.error and "not change" in refused.text


async def test_save_and_full_size_buttons_work_on_my_result(kit, harness):
    await harness.user(points=100)
    await kit.handle(say("txt2img", "fox"))
    job = (await harness.storage.jobs.of_user((await harness.user()).id))[0]
    await harness.notifier.wait_for(job.id, "succeeded")
    saved = (await kit.press(ChatRequest(identity="telegram:1", display_name="Ada", command=f"s:{job.id}")))[0]
    assert "Saved" in saved.text
    full = (await kit.press(ChatRequest(identity="telegram:1", display_name="Ada", command=f"f:{job.id}")))[0]
    assert full.as_document and full.image.startswith(b"\x89PNG")


async def test_a_link_code_is_never_given_where_others_can_read_it(kit, harness):
    request = say("link")
    request.public = True
    reply = (await kit.handle(request))[0]
    assert reply.error and "private chat" in reply.text and "code:" not in reply.text


async def test_a_link_expiry_that_is_not_a_number_is_refused_clearly(kit, harness):
    await harness.user()
    await kit.handle(say("collections", "create Foxes"))
    reply = (await kit.handle(say("collections", "link Foxes abc")))[0]
    assert reply.error and "days: must be a number" in reply.text


async def test_image_settings_are_bounded_by_image_tools_only_and_never_change_training(kit, harness):
    user = await harness.user(points=1000)
    assert "steps = 5 (yours)" in await text_of(kit, say("settings", "steps=5"))
    await harness.station.training.create(user.id, "pets")
    for n in range(4):
        await harness.station.training.add_image(user.id, "pets", png(80, 80, (n * 30, 0, 0)), caption="a pet")
    await harness.station.training.trigger(user.id, "pets", "petzorb")
    draft = await harness.station.training.draft(user.id, "pets")
    assert draft.params["steps"] == 200
