"""Previews and progress through the real container: told at the progress pace, newest only, as the owner set."""
import io

import pytest
from PIL import Image

from domain.errors import InvalidParameter
from domain.reply import ReplyTo
from tests.e2e.lora_training import train_lora

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


@pytest.mark.parametrize("reports_steps", [True, False], ids=["ComfyUI 0.8 sends steps", "an older one does not"])
async def test_training_shows_its_real_steps_and_estimates_only_for_a_worker_that_sends_none(harness, reports_steps):
    engine = harness.engines[0]
    engine.steps, engine.step_delay, engine.reports_steps = 10, 0.03, reports_steps
    user = await harness.user(points=500)
    run, _ = await train_lora(harness, user, {"steps": 10})
    told = [n.job.progress for _, n in harness.notifier.notices
            if n.job and n.job.id == run.job_id and n.kind == "progress" and n.job.progress.total]
    assert told
    assert all((p.message == "estimated") != reports_steps for p in told)
    if reports_steps:
        assert told[-1].total == 10 and told[-1].step > 0
