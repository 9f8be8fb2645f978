"""Previews and progress through the real container: told at the progress pace, newest only, as the owner set."""
import io

import pytest
from PIL import Image

from domain.errors import InvalidParameter
from domain.reply import ReplyTo
from tests.e2e.lora_training import train_lora
from tests.fakes import png

ORIGIN = ReplyTo("test")


def step_of(preview: bytes) -> int:
    return Image.open(io.BytesIO(preview)).getpixel((0, 0))[0]


async def make(harness, user, **params):
    return await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "a fox", **params}, ORIGIN)


async def test_the_newest_preview_is_told_with_progress_and_never_an_older_one_after_it(harness):
    engine = harness.engines[0]
    engine.previews, engine.steps, engine.step_delay = True, 12, 0.02
    user = await harness.user(points=100)
    job = await make(harness, user)
    await harness.notifier.wait_for(job.id, "succeeded")
    told = [n.preview for _, n in harness.notifier.notices if n.job and n.job.id == job.id and n.preview]
    assert told and all(n.kind == "progress" for _, n in harness.notifier.notices if n.preview)
    steps = [step_of(p) for p in told]
    assert steps == sorted(set(steps)) and len(told) < engine.steps  # paced: not every frame is a notice


async def test_an_owner_who_turned_previews_off_gets_progress_without_pictures(harness):
    engine = harness.engines[0]
    engine.previews, engine.steps, engine.step_delay = True, 8, 0.02
    user = await harness.user(points=100)
    await harness.station.settings.change(user.id, {"previews": "off"})
    job = await make(harness, user)
    await harness.notifier.wait_for(job.id, "succeeded")
    assert "progress" in harness.notifier.kinds(job.id)
    assert not any(n.preview for _, n in harness.notifier.notices if n.job and n.job.id == job.id)


async def test_the_previews_setting_takes_only_on_or_off(harness):
    user = await harness.user()
    with pytest.raises(InvalidParameter) as refused:
        await harness.station.settings.change(user.id, {"previews": "maybe"})
    assert "previews" in str(refused.value) and "on, off" in str(refused.value)


async def test_a_job_waiting_in_line_hears_when_it_should_start_once_a_job_has_finished(harness):
    engine = harness.engines[0]
    engine.steps, engine.step_delay = 4, 0.05
    user = await harness.user(points=200)
    first = await make(harness, user)
    await harness.notifier.wait_for(first.id, "succeeded")
    waiting = [await make(harness, user, seed=n) for n in range(3)]  # two go to the worker, one waits
    await harness.notifier.wait_for(waiting[-1].id, "succeeded")
    told = [n for _, n in harness.notifier.notices if n.job and n.job.id == waiting[-1].id and n.kind == "queued"]
    assert told[0].position == 1 and told[0].wait is not None and 0 < told[0].wait < 5


def training_progress(harness, job_id: str) -> list:
    return [n.job.progress for _, n in harness.notifier.notices
            if n.job and n.job.id == job_id and n.kind == "progress" and n.job.progress.total]


async def test_training_shows_its_real_steps_and_a_worker_known_to_count_them_gets_no_estimate(harness):
    engine = harness.engines[0]
    engine.steps, engine.step_delay = 10, 0.03
    user = await harness.user(points=500)
    first, _ = await train_lora(harness, user, {"steps": 10})
    told = training_progress(harness, first.job_id)
    assert told[-1].message != "estimated" and told[-1].total == 10 and told[-1].step > 0
    engine.step_delay = 0.1  # slower than the progress interval: an estimate would show now if one were made
    await harness.station.training.create(user.id, "again")
    for n in range(4):
        await harness.station.training.add_image(user.id, "again", png(64, 64, (n * 60, 9, 9)), caption=f"again {n}")
    await harness.station.training.trigger(user.id, "again", "againzorb")
    draft = await harness.station.training.draft(user.id, "again", {"steps": 10})
    second = await harness.station.training.confirm(user.id, draft.id, ORIGIN)
    await harness.notifier.wait_for(second.job_id, "succeeded")
    assert [p.message for p in training_progress(harness, second.job_id)] == [""] * \
        len(training_progress(harness, second.job_id))


async def test_training_on_a_worker_that_reports_no_steps_is_estimated_from_the_time(harness):
    engine = harness.engines[0]
    engine.steps, engine.step_delay, engine.reports_steps = 10, 0.03, False
    user = await harness.user(points=500)
    run, _ = await train_lora(harness, user, {"steps": 10})
    told = training_progress(harness, run.job_id)
    assert told and all(p.message == "estimated" and p.total == 10 for p in told)
