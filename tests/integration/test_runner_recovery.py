"""Worker loss and restarts: re-dispatch what had not started, refund what was lost, deliver once."""
import asyncio
from dataclasses import replace

from domain.jobs import Job, JobState
from domain.ledger import EntryKind
from domain.reply import ReplyTo
from tests.fakes import FakeEngine

ORIGIN = ReplyTo("test")


async def test_a_worker_that_dies_mid_job_fails_it_with_a_refund(harness):
    engine = harness.engines[0]
    engine.steps, engine.step_delay = 40, 0.02
    user = await harness.user(points=100)
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    await harness.notifier.wait_for(job.id, "progress")
    engine.healthy = False
    notice = await harness.notifier.wait_for(job.id, "failed")
    assert notice.job.error == "the image worker went away" and notice.job.refunded
    assert await harness.station.points.balance(user.id) == 100


async def test_a_job_not_yet_started_on_a_dead_worker_goes_to_another(harness):
    dead, alive = harness.engines[0], FakeEngine(name="fake://worker-2")
    harness.runner.workers.append(type(harness.runner.workers[0])(alive, healthy=False))
    dead.healthy = False
    await harness.runner.check_health()
    alive.healthy = True
    user = await harness.user(points=100)
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    await harness.runner.check_health()
    notice = await harness.notifier.wait_for(job.id, "succeeded")
    assert notice.job.worker == alive.name


async def _stored_job(harness, user, state, worker, paid=True) -> Job:
    station = harness.station
    quote = await station.make_image.quote(user.id, "txt2img", {"prompt": "restart"})
    now = 1.0
    job = Job(id=f"job{state.value}{worker is None}", user_id=user.id, tool="txt2img", kind="image",
              params=quote.values, price=quote.price, state=JobState.REQUESTED, created_at=now, updated_at=now,
              origin=ORIGIN)
    job = job.to(JobState.CHARGED, now, paid=paid)
    await harness.storage.jobs.add(job, station.points.charge_entry(job))
    if state is not JobState.CHARGED:
        job = await harness.storage.jobs.save(job.to(JobState.QUEUED, now))
        job = await harness.storage.jobs.save(replace(job, worker=worker))
    if state is JobState.RUNNING:
        job = await harness.storage.jobs.save(job.to(JobState.RUNNING, now))
    return job


async def test_after_a_restart_a_job_finished_on_its_worker_is_delivered_once(harness):
    user = await harness.user(points=100)
    job = await _stored_job(harness, user, JobState.QUEUED, harness.engines[0].name)
    harness.engines[0].states[job.id] = "succeeded"
    counts = await harness.runner.reconcile()
    assert counts["delivered"] == 1
    await harness.notifier.wait_for(job.id, "succeeded")
    assert harness.notifier.kinds(job.id).count("succeeded") == 1
    assert (await harness.runner.reconcile())["delivered"] == 0
    assert harness.engines[0].submitted == []


async def test_after_a_power_cut_undid_running_a_job_its_worker_still_runs_is_followed_to_its_end(harness):
    user = await harness.user(points=100)
    job = await _stored_job(harness, user, JobState.QUEUED, harness.engines[0].name)  # "running" was never synced
    harness.engines[0].states[job.id] = "running"
    assert (await harness.runner.reconcile())["followed"] == 1
    notice = await harness.notifier.wait_for(job.id, "succeeded")
    assert not notice.job.refunded and harness.notifier.kinds(job.id).count("succeeded") == 1
    assert harness.engines[0].submitted == []
    assert await harness.station.points.balance(user.id) == 100 - job.price


async def test_after_a_restart_a_job_the_worker_lost_is_failed_and_refunded_once(harness):
    user = await harness.user(points=100)
    job = await _stored_job(harness, user, JobState.RUNNING, harness.engines[0].name)
    await harness.runner.reconcile()
    notice = await harness.notifier.wait_for(job.id, "failed")
    assert notice.job.refunded
    await harness.runner.reconcile()
    refunds = [e for e in await harness.station.points.history(user.id) if e.kind is EntryKind.REFUND]
    assert len(refunds) == 1 and await harness.station.points.balance(user.id) == 100


async def test_after_a_restart_a_charged_job_never_sent_is_queued_and_runs(harness):
    user = await harness.user(points=100)
    job = await _stored_job(harness, user, JobState.CHARGED, None)
    await harness.runner.reconcile()
    await harness.notifier.wait_for(job.id, "succeeded")
    assert [p for p, _, _ in harness.engines[0].submitted].count(job.id) == 1


async def test_after_a_restart_a_job_left_waiting_for_its_charge_is_charged_once_and_runs(harness):
    user = await harness.user(points=100)
    quote = await harness.station.make_image.quote(user.id, "txt2img", {"prompt": "half-added"})
    job = Job(id="halfadded", user_id=user.id, tool="txt2img", kind="image", params=quote.values,
              price=quote.price, state=JobState.REQUESTED, created_at=1.0, updated_at=1.0, origin=ORIGIN)
    await harness.storage.jobs.add(job)  # what a crash between the job and its charge leaves (MongoDB)
    assert (await harness.runner.reconcile())["requeued"] == 1
    notice = await harness.notifier.wait_for(job.id, "succeeded")
    assert notice.job.paid and await harness.station.points.balance(user.id) == 100 - quote.price


async def test_a_job_admitted_while_a_reconcile_runs_is_put_in_line_once_and_run_once(harness):
    user = await harness.user(points=100)
    job = await _stored_job(harness, user, JobState.CHARGED, None)  # admitted a moment ago, not yet in line
    await asyncio.gather(harness.runner.enqueue(job), harness.runner.reconcile())  # the periodic one, say
    notice = await harness.notifier.wait_for(job.id, "succeeded")
    assert notice.job.state is JobState.SUCCEEDED and len(harness.engines[0].submitted) == 1
    assert await harness.station.points.balance(user.id) == 100 - job.price
