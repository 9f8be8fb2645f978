"""Each output kind through the real runner, ComfyUI client and store against the stand-in: animations, videos and
text stored as results, pictures made from text results at their quoted price, and datasets captioned per picture."""
import io
from pathlib import Path

import av
import pytest
from PIL import Image

from domain.errors import InsufficientPoints
from domain.jobs import JobKind, JobState
from domain.outputs import OutputKind
from domain.quotes import PendingQuote
from tests.e2e.test_engine_end_to_end import ORIGIN, Station
from tests.fakes import patterned_png, png
from tests.standins.comfyui import ComfyUIStandin

TEST_TEMPLATES = Path(__file__).parent / "kinds_templates"


@pytest.fixture
async def comfy():
    async with ComfyUIStandin(step_delay=0.001, packs=("florence2", "searge_llm")) as standin:
        yield standin


@pytest.fixture
async def app(tmp_path, comfy):
    station = await Station(tmp_path, [comfy.url], templates_dir=TEST_TEMPLATES).start()
    yield station
    await station.stop()  # and the money audit: every job's charge, refund and stored outputs


async def finished(app, job, timeout=20):
    notice = await app.notifier.wait_for(job.id, "succeeded", timeout=timeout)
    return notice.job


async def blob(app, key):
    return await app.container.infra.blobs().get(key)


async def made_from(app, tool: str, picture: bytes):
    """A new user's finished run of an image-taking tool on `picture`, and that user."""
    user = await app.user()
    key = await app.station.media.store_input(user.id, picture)
    return user, await finished(app, await app.station.make_image.submit(user.id, tool, {"image": key}, ORIGIN))


async def test_animate_stores_one_animated_webp_of_the_users_picture(app):
    user, job = await made_from(app, "animate", patterned_png(96, 64, (30, 60, 220)))
    [key] = job.outputs
    assert job.output is OutputKind.ANIMATION and key.endswith(".webp")
    assert b"class_type" not in await blob(app, key)  # ComfyUI's workflow (EXIF) is not kept
    with Image.open(io.BytesIO(await blob(app, key))) as animation:
        assert animation.n_frames > 1 and animation.size == (96, 64)
    assert await app.balance(user) == 100 - job.price


async def test_a_video_template_stores_the_webm_comfyui_wrote(app):
    _, job = await made_from(app, "clip", patterned_png(64, 64, (200, 30, 30)))
    [key] = job.outputs
    assert job.output is OutputKind.VIDEO and key.endswith(".webm")
    assert b"class_type" not in await blob(app, key)  # the container's tags blanked, the video untouched
    with av.open(io.BytesIO(await blob(app, key))) as video:
        assert len(list(video.decode(video=0))) == 2


async def test_describe_keeps_the_words_as_a_text_result(app):
    _, job = await made_from(app, "describe", png(64, 64, (220, 20, 20)))
    [key] = job.outputs
    text = await app.station.access.result_text(job)
    assert key.endswith(".txt") and "red" in text and text == (await blob(app, key)).decode()
    assert app.station.follow_ups.available(job) == ("make",)


async def test_make_with_this_prompt_charges_the_quote_and_sends_the_words_to_txt2img(app, comfy):
    user, described = await made_from(app, "describe", png(64, 64, (20, 200, 20)))
    [offer] = await app.station.follow_ups.offers(user.id, described)
    before = await app.balance(user)
    press = ("make", ORIGIN, "telegram:1:2:mk")  # the button's action, where it was pressed, and its press key
    made = await app.station.checkout.follow_up(user.id, described.id, *press, shown_price=offer.price)
    again = await app.station.checkout.follow_up(user.id, described.id, *press, shown_price=offer.price)
    await finished(app, made)
    assert again.id == made.id  # a double press makes one job
    assert (made.tool, made.price, made.parent_id, made.action) == ("txt2img", offer.price, described.id, "make")
    assert comfy.received_graphs[-1]["6"]["inputs"]["text"] == await app.station.access.result_text(described)
    assert await app.balance(user) == before - offer.price


async def test_assist_offers_the_improved_prompt_and_the_users_own_and_a_moved_price_is_asked_about_first(app, comfy):
    user = await app.user()
    job = await finished(app, await app.station.make_image.submit(user.id, "assist", {"prompt": "a red fox"},
                                                                   ORIGIN))
    improved = await app.station.access.result_text(job)
    assert improved.startswith("a red fox, ") and app.station.follow_ups.available(job) == ("make", "mine", "reroll")
    before = await app.balance(user)
    asked = await app.station.checkout.follow_up(user.id, job.id, "mine", ORIGIN, "press:1", shown_price=1)
    assert isinstance(asked, PendingQuote) and asked.price != 1 and await app.balance(user) == before
    mine = await app.station.checkout.confirm(user.id, asked.id, ORIGIN)
    await finished(app, mine)
    assert await app.balance(user) == before - asked.price
    assert comfy.received_graphs[-1]["6"]["inputs"]["text"] == "a red fox"


async def dataset(app, user, count=4, trigger="zorb"):
    training = app.station.training
    await training.create(user.id, "pets")
    for n in range(count):
        await training.add_image(user.id, "pets", png(96, 96, (40 + n * 50, 90, 200 - n * 40)))
    return await training.trigger(user.id, "pets", trigger)


async def test_caption_all_charges_per_picture_writes_the_trigger_and_refunds_the_one_that_fails(app, comfy):
    user = await app.user()
    await dataset(app, user)
    quote = await app.station.captioning.quote(user.id, "pets")
    assert quote.numbers == (1, 2, 3, 4) and quote.price == 4 * quote.quotes[0].price
    comfy.fail_node_once("Florence2Run", "out of memory")
    jobs = await app.station.captioning.start(user.id, quote, ORIGIN, request_key="tap-1")
    again = await app.station.captioning.start(user.id, quote, ORIGIN, request_key="tap-1")
    summary = await app.notifier.wait_for_text("Captions for 'pets'", timeout=30)
    assert [j.id for j in again] == [j.id for j in jobs] and all(j.kind == JobKind.CAPTION for j in jobs)
    ended = [await app.station.jobs.get(user.id, j.id) for j in jobs]
    failed = [j for j in ended if j.state is JobState.FAILED]
    assert len(failed) == 1 and failed[0].refunded
    assert "3 of 4 pictures captioned" in summary.text and "1 point came back" in summary.text
    assert await app.balance(user) == 100 - 3 * quote.quotes[0].price
    captions = [i.caption for i in (await app.station.training.dataset(user.id, "pets")).images]
    assert sum(c.startswith("zorb, a ") for c in captions) == 3 and captions.count("") == 1
    assert not [n for n in app.notifier.notices if n[1].job and n[1].job.kind == JobKind.CAPTION]  # one summary only


async def test_caption_all_of_more_pictures_than_one_person_may_have_in_flight_starts_them_all(app, comfy):
    user = await app.user()
    await dataset(app, user, count=6)  # the in-flight limit is 4: the set is one request to it
    comfy.script.node_delay = 0.05  # the first pictures are still in line when the last ones are asked for
    quote = await app.station.captioning.quote(user.id, "pets")
    jobs = await app.station.captioning.start(user.id, quote, ORIGIN)
    summary = await app.notifier.wait_for_text("Captions for 'pets'", timeout=30)
    assert len(jobs) == 6 and "6 of 6 pictures captioned" in summary.text


async def test_caption_all_without_the_points_for_the_whole_set_starts_nothing(app):
    user = await app.user(points=2)
    await dataset(app, user)
    quote = await app.station.captioning.quote(user.id, "pets")
    with pytest.raises(InsufficientPoints):
        await app.station.captioning.start(user.id, quote, ORIGIN)
    assert await app.station.jobs.page(user.id) == [] and await app.balance(user) == 2


async def test_the_dataset_check_names_near_duplicates_and_small_pictures_before_any_charge(app):
    user = await app.user()
    training = app.station.training
    await dataset(app, user, count=3)
    await training.add_image(user.id, "pets", png(96, 96, (40, 90, 200)))  # the first picture again
    for n in range(1, 5):
        await training.caption(user.id, "pets", n, f"a pet {n}")
    findings = await training.review.check(await training.dataset(user.id, "pets"))
    assert [(f.fix, f.images) for f in findings] == [("remove", (4,))]
    updated = await training.remove_images(user.id, "pets", (4,))
    assert len(updated.images) == 3 and [i.caption for i in updated.images][0] == "zorb, a pet 1"


async def test_the_money_audit_holds_a_text_result_to_its_stored_words_like_any_output(app):
    user = await app.user()
    job = await finished(app, await app.station.make_image.submit(user.id, "assist", {"prompt": "a owl"}, ORIGIN))
    blobs, audit = app.container.infra.blobs(), app.container.use_cases.audit()
    words = await blob(app, job.outputs[0])
    await blobs.delete(job.outputs[0])
    assert [str(v) for v in await audit.violations()] == [f"job {job.id}: succeeded, but its outputs are not all stored"]
    await blobs.put(job.outputs[0], words, "text/plain; charset=utf-8")
    assert await audit.violations() == []
