"""Making images through the real container: quote, charge, run, deliver, refund exactly once."""
import asyncio
import logging

import pytest

from domain.errors import (
    EngineRejected,
    InsufficientPoints,
    InvalidParameter,
    UnknownTool,
)
from domain.jobs import JobState
from domain.reply import ReplyTo
from domain.wording import outcome
from ports.engine import GraphProblem

ORIGIN = ReplyTo("test")


async def test_a_job_is_charged_exactly_its_quote_and_delivered(harness):
    user = await harness.user(points=100)
    make = harness.station.make_image
    quote = await make.quote(user.id, "txt2img", {"prompt": "a red fox", "steps": 10})
    job = await make.submit(user.id, "txt2img", {"prompt": "a red fox", "steps": 10, "seed": quote.values["seed"]},
                            ORIGIN)
    assert job.price == quote.price > 0
    done = await harness.notifier.wait_for(job.id, "succeeded")
    assert harness.notifier.kinds(job.id)[0] == "queued"
    assert "progress" in harness.notifier.kinds(job.id)
    assert await harness.station.points.balance(user.id) == 100 - quote.price
    stored = await harness.storage.jobs.get(job.id)
    assert stored.state is JobState.SUCCEEDED and stored.outputs == done.job.outputs
    assert (await harness.container.infra.blobs().get(stored.outputs[0])).startswith(b"\x89PNG")
    await harness.assert_ledger_consistent()


async def test_not_enough_points_says_balance_and_price_and_charges_nothing(harness):
    user = await harness.user(points=1)
    with pytest.raises(InsufficientPoints) as error:
        await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    assert "balance is 1" in str(error.value)
    assert await harness.station.points.balance(user.id) == 1
    assert harness.engines[0].submitted == []


@pytest.mark.parametrize("tool, raw, error", [
    ("nope", {"prompt": "x"}, UnknownTool),
    ("txt2img", {"prompt": "x", "steps": 0}, InvalidParameter),
    ("txt2img", {"prompt": "x", "width": "wide"}, InvalidParameter),
    ("txt2img", {"prompt": "x", "lora": "not_a_model"}, InvalidParameter),
    ("img2img", {"prompt": "x"}, InvalidParameter),
])
async def test_bad_requests_are_refused_before_any_charge(harness, tool, raw, error):
    user = await harness.user(points=50)
    with pytest.raises(error):
        await harness.station.make_image.submit(user.id, tool, raw, ORIGIN)
    assert await harness.station.points.balance(user.id) == 50


async def test_an_unknown_checkpoint_is_caught_before_the_charge(harness):
    user = await harness.user(points=50)
    with pytest.raises(EngineRejected, match="workers do not have the checkpoint 'nope.ckpt'. Nothing was charged"):
        await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "x", "checkpoint": "nope.ckpt"}, ORIGIN)
    assert await harness.station.points.balance(user.id) == 50


async def test_a_tool_whose_workflow_no_worker_can_run_is_refused_in_plain_words_before_the_charge(harness):
    harness.engines[0].graph_problems.append(
        GraphProblem("node 2: this ComfyUI has no node type 'SaveLoRANode' (a missing custom node?)"))
    user = await harness.user(points=50)
    with pytest.raises(EngineRejected) as refused:
        await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "x"}, ORIGIN)
    assert str(refused.value) == "/txt2img cannot run on this station's workers right now; the operator can see " \
                                 "why. Nothing was charged."
    assert await harness.station.points.balance(user.id) == 50


async def test_a_job_that_fails_on_the_worker_is_refunded_once_and_the_user_told_in_plain_words(harness, caplog):
    caplog.set_level(logging.INFO)
    user = await harness.user(points=100)
    harness.engines[0].fail_next("KSampler failed: out of memory")
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    notice = await harness.notifier.wait_for(job.id, "failed")
    assert notice.job.refunded and notice.job.failure == "worker_error"
    assert outcome(notice.job) == (f"the image worker ran into an error while making it; your {job.price} points are "
                                   "back. Try other settings, or try again later.")
    assert "KSampler failed: out of memory" in caplog.text  # the details are for operators
    assert await harness.station.points.balance(user.id) == 100
    entries = await harness.station.points.history(user.id)
    assert [e.kind.value for e in entries].count("refund") == 1
    await harness.assert_ledger_consistent()


async def test_a_graph_the_worker_rejects_after_the_charge_is_refunded(harness):
    user = await harness.user(points=100)
    harness.engines[0].reject_next("KSampler steps: Value 0 smaller than min of 1")
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    notice = await harness.notifier.wait_for(job.id, "failed")
    assert notice.job.failure == "refused" and "KSampler" not in notice.job.error and notice.job.refunded
    assert await harness.station.points.balance(user.id) == 100


async def test_the_same_request_key_twice_makes_one_job_and_one_charge(harness):
    user = await harness.user(points=100)
    make = harness.station.make_image
    first, second = await asyncio.gather(
        make.submit(user.id, "txt2img", {"prompt": "fox", "seed": 1}, ORIGIN, request_key="interaction:1"),
        make.submit(user.id, "txt2img", {"prompt": "fox", "seed": 1}, ORIGIN, request_key="interaction:1"))
    assert first.id == second.id
    await harness.notifier.wait_for(first.id, "succeeded")
    assert await harness.station.points.balance(user.id) == 100 - first.price


async def test_a_double_clicked_reroll_makes_one_job_but_a_later_click_makes_another(harness):
    user = await harness.user(points=200)
    make = harness.station.make_image
    parent = await make.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    await harness.notifier.wait_for(parent.id, "succeeded")
    follow_ups = harness.station.follow_ups
    a, b = await asyncio.gather(follow_ups.run(user.id, parent.id, "reroll", ORIGIN),
                                follow_ups.run(user.id, parent.id, "reroll", ORIGIN))
    assert a.id == b.id and a.params["prompt"] == "fox"
    await harness.notifier.wait_for(a.id, "succeeded")
    later = await follow_ups.run(user.id, parent.id, "reroll", ORIGIN)
    assert later.id != a.id
    await harness.notifier.wait_for(later.id, "succeeded")
    assert await harness.station.points.balance(user.id) == 200 - 3 * parent.price


async def test_cancelling_a_queued_job_refunds_it(harness):
    user = await harness.user(points=100)
    harness.engines[0].healthy = False
    await harness.runner.check_health()
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    assert harness.runner.position(job.id) == 1
    cancelled = await harness.station.jobs.cancel(user.id)
    assert cancelled.id == job.id
    notice = await harness.notifier.wait_for(job.id, "cancelled")
    assert notice.job.refunded and await harness.station.points.balance(user.id) == 100


async def test_cancelling_a_running_job_interrupts_it_and_refunds(harness):
    user = await harness.user(points=100)
    harness.engines[0].steps, harness.engines[0].step_delay = 50, 0.05
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    await harness.notifier.wait_for(job.id, "progress")
    await harness.station.jobs.cancel(user.id)
    notice = await harness.notifier.wait_for(job.id, "cancelled")
    assert notice.job.refunded and await harness.station.points.balance(user.id) == 100


async def test_progress_is_throttled_per_job_and_the_final_state_always_arrives(harness):
    user = await harness.user(points=100)
    harness.engines[0].steps, harness.engines[0].step_delay = 60, 0.005
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    done = await harness.notifier.wait_for(job.id, "succeeded")
    kinds = harness.notifier.kinds(job.id)
    times = [n.job.updated_at for _, n in harness.notifier.notices if n.job.id == job.id and n.kind == "progress"]
    ran = done.job.updated_at - times[0]  # 0.3 s of steps, longer on a busy machine
    assert 1 <= kinds.count("progress") <= ran / 0.05 + 2 < 60
    assert all(b - a >= 0.045 for a, b in zip(times, times[1:]))
    assert kinds[-1] == "succeeded"


async def test_a_worker_rejoins_the_rotation_when_it_answers_again(harness):
    user = await harness.user(points=100)
    engine = harness.engines[0]
    engine.healthy = False
    await harness.runner.check_health()
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    assert harness.runner.position(job.id) == 1 and engine.submitted == []
    engine.healthy = True
    await harness.runner.check_health()
    await harness.notifier.wait_for(job.id, "succeeded")


async def test_a_second_press_while_the_first_job_runs_returns_that_job_and_charges_nothing(harness):
    user = await harness.user(points=200)
    make = harness.station.make_image
    parent = await make.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    await harness.notifier.wait_for(parent.id, "succeeded")
    harness.engines[0].steps, harness.engines[0].step_delay = 30, 0.02
    first = await harness.station.follow_ups.run(user.id, parent.id, "reroll", ORIGIN)
    await harness.notifier.wait_for(first.id, "progress")
    second = await harness.station.follow_ups.run(user.id, parent.id, "reroll", ORIGIN)
    assert second.id == first.id
    await harness.notifier.wait_for(first.id, "succeeded")
    assert await harness.station.points.balance(user.id) == 200 - 2 * parent.price
