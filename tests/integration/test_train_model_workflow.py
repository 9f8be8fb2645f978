"""Training through the real container: datasets, quote, confirm, model registered, refunds when it fails."""
import pytest

from domain.errors import DatasetNotReady, InsufficientPoints
from domain.reply import ReplyTo
from domain.training import RunState
from tests.fakes import png

ORIGIN = ReplyTo("test")


async def ready_dataset(harness, user, name="cats", images=4):
    training = harness.station.training
    await training.create(user.id, name)
    for n in range(images):
        await training.add_image(user.id, name, png(128, 128, (n * 40, 100, 150)), caption=f"a cat, pose {n}")
    await training.trigger(user.id, name, "zorbcat")
    return await training.dataset(user.id, name)


async def test_a_dataset_too_small_cannot_be_quoted(harness):
    user = await harness.user(points=1000)
    await ready_dataset(harness, user, images=3)
    with pytest.raises(DatasetNotReady, match="at least 4"):
        await harness.station.training.draft(user.id, "cats")


async def test_confirming_charges_the_draft_price_once_and_registers_the_model(harness):
    user = await harness.user(points=1000)
    await ready_dataset(harness, user)
    training = harness.station.training
    draft = await training.draft(user.id, "cats", {"steps": 100})
    assert draft.state is RunState.DRAFT and draft.price > 0
    assert await harness.station.points.balance(user.id) == 1000
    run = await training.confirm(user.id, draft.id, ORIGIN)
    again = await training.confirm(user.id, draft.id, ORIGIN)
    assert run.job_id == again.job_id
    await harness.notifier.wait_for(run.job_id, "succeeded")
    assert await harness.station.points.balance(user.id) == 1000 - draft.price
    run = await harness.storage.runs.get(run.id)
    assert run.state is RunState.COMPLETED
    model = await harness.storage.models.get(run.model_id)
    assert model.owner == user.id and model.name == "cats" and model.trigger == "zorbcat" and model.visibility == "private"
    assert model.filename.endswith("_steps_00001_.safetensors")
    job = await harness.storage.jobs.get(run.job_id)
    assert model.curve == job.outputs[1] and model.blob == job.outputs[0], "the loss curve is linked, not copied"
    collections = await harness.station.collections.list(user.id)
    assert any(i.ref == model.id for c in collections for i in c.items)


async def test_a_trained_model_is_usable_by_name_in_txt2img(harness):
    user = await harness.user(points=1000)
    await ready_dataset(harness, user)
    training = harness.station.training
    run = await training.confirm(user.id, (await training.draft(user.id, "cats")).id, ORIGIN)
    await harness.notifier.wait_for(run.job_id, "succeeded")
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "zorbcat", "lora": "cats"}, ORIGIN)
    model = (await harness.station.models.visible(user.id))[0]
    assert job.params["lora"] == model.filename
    await harness.notifier.wait_for(job.id, "succeeded")
    submitted_graph = next(g for p, g, _ in harness.engines[0].submitted if p == job.id)
    assert model.filename in [n["inputs"].get("lora_name") for n in submitted_graph.values()]


async def test_a_training_that_fails_is_refunded_and_the_run_marked_failed(harness):
    user = await harness.user(points=1000)
    await ready_dataset(harness, user)
    harness.engines[0].fail_next("TrainLoraNode failed: CUDA out of memory")
    training = harness.station.training
    run = await training.confirm(user.id, (await training.draft(user.id, "cats")).id, ORIGIN)
    notice = await harness.notifier.wait_for(run.job_id, "failed")
    assert notice.job.refunded
    assert (await harness.storage.runs.get(run.id)).state is RunState.FAILED
    assert await harness.station.points.balance(user.id) == 1000


async def test_cancelling_a_training_refunds_it(harness):
    user = await harness.user(points=1000)
    await ready_dataset(harness, user)
    harness.engines[0].steps, harness.engines[0].step_delay = 100, 0.05
    training = harness.station.training
    run = await training.confirm(user.id, (await training.draft(user.id, "cats")).id, ORIGIN)
    await harness.notifier.wait_for(run.job_id, "progress")
    await training.cancel(user.id)
    notice = await harness.notifier.wait_for(run.job_id, "cancelled")
    assert notice.job.refunded and await harness.station.points.balance(user.id) == 1000
    assert (await harness.storage.runs.get(run.id)).state is RunState.CANCELLED


async def test_a_discarded_draft_costs_nothing(harness):
    user = await harness.user(points=1000)
    await ready_dataset(harness, user)
    training = harness.station.training
    run = await training.discard(user.id, (await training.draft(user.id, "cats")).id)
    assert run.state is RunState.CANCELLED and await harness.station.points.balance(user.id) == 1000


async def test_confirming_without_enough_points_charges_nothing(harness):
    user = await harness.user(points=5)
    await ready_dataset(harness, user)
    training = harness.station.training
    with pytest.raises(InsufficientPoints):
        await training.confirm(user.id, (await training.draft(user.id, "cats")).id, ORIGIN)
    assert await harness.station.points.balance(user.id) == 5


async def test_a_training_that_completes_without_a_model_file_is_failed_and_refunded(harness):
    user = await harness.user(points=1000)
    await ready_dataset(harness, user)
    harness.engines[0].missing_files = True
    training = harness.station.training
    run = await training.confirm(user.id, (await training.draft(user.id, "cats")).id, ORIGIN)
    notice = await harness.notifier.wait_for(run.job_id, "failed")
    assert notice.job.failure == "no_result" and notice.job.refunded
    assert (await harness.storage.runs.get(run.id)).state is RunState.FAILED
    assert await harness.storage.models.visible_to(user.id) == []
