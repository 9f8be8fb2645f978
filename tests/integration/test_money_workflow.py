"""Money rules through the real container: refusals create no job, training repeats safely after a crash,
time limits and the queue timeout end jobs with a refund, output size limits refuse before charging."""
import logging
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bootstrap.config import load_config
from bootstrap.container import build_container
from domain.errors import DomainError, InsufficientPoints
from domain.jobs import Job, JobState
from domain.training import RunState
from tests.conftest import Harness, env_for
from tests.fakes import FakeEngine, RecordingNotifier, png
from tests.integration.test_train_model_workflow import ORIGIN, ready_dataset

SHIPPED = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
async def limited(tmp_path, request):
    """The real application with a txt2img limited to 0.3 s, and settings from the test's `env` mark."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "quick.json").write_text((SHIPPED / "txt2img.json").read_text())
    (mine / "quick.toml").write_text((SHIPPED / "txt2img.toml").read_text() + "\n[limits]\ntimeout_s = 0.3\n")
    (mine / "patient.json").write_text((SHIPPED / "txt2img.json").read_text())
    (mine / "patient.toml").write_text((SHIPPED / "txt2img.toml").read_text() + "\n[limits]\ntimeout_s = 30\n")
    marker = request.node.get_closest_marker("env")
    engines, notifier = [FakeEngine()], RecordingNotifier()
    env = env_for(tmp_path, STATIONTHIS_TEMPLATES_DIR=str(mine), **(marker.kwargs if marker else {}))
    container = build_container(load_config(env=env, dotenv=False), engines=engines, notifier=notifier)
    await container.infra.storage().open()
    await container.use_cases.runner().start()
    harness = Harness(container, engines, notifier)
    yield harness
    await container.use_cases.runner().stop()
    try:
        await harness.assert_ledger_consistent()
    finally:
        await container.infra.storage().close()


async def test_a_submission_refused_for_points_leaves_no_job_in_the_users_history(harness):
    user = await harness.user(points=1)
    with pytest.raises(InsufficientPoints):
        await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN, request_key="k1")
    assert await harness.storage.jobs.of_user(user.id) == [] and await harness.storage.jobs.all() == []


async def test_an_upscale_of_an_upscale_past_the_pixel_limit_is_refused_before_charging(harness):
    user = await harness.user(points=100)
    key = f"inputs/{user.id}/big.png"  # a 4096² result, as an earlier upscale makes
    await harness.container.infra.blobs().put(key, png(4096, 4096), "image/png")
    with pytest.raises(DomainError, match="16384×16384.*at most 16.8 megapixels.*Nothing was charged"):
        await harness.station.make_image.submit(user.id, "upscale", {"image": key}, ORIGIN)
    assert await harness.station.points.balance(user.id) == 100 and await harness.storage.jobs.all() == []


async def test_training_steps_repeated_after_a_crash_make_one_model_and_keep_the_run_completed(harness):
    user = await harness.user(points=1000)
    await ready_dataset(harness, user)
    training = harness.station.training
    run = await training.confirm(user.id, (await training.draft(user.id, "cats")).id, ORIGIN)
    await harness.notifier.wait_for(run.job_id, "succeeded")
    job, finisher = await harness.storage.jobs.get(run.job_id), harness.container.use_cases.finishers()["training"]
    await finisher.succeeding(job)  # a crash after the run was completed: repeating it changes nothing
    done = await harness.storage.runs.get(run.id)
    await harness.storage.runs.save(replace(done, state=RunState.TRAINING, model_id=None))
    await finisher.succeeding(job)  # a crash after the model was registered, before the run was completed
    models = [m for m in await harness.storage.models.visible_to(user.id) if m.owner == user.id]
    assert [m.name for m in models] == ["cats"]
    assert (await harness.storage.runs.get(run.id)).model_id == models[0].id == done.model_id


async def test_a_job_past_its_time_limit_is_interrupted_failed_and_refunded(limited):
    engine = limited.engines[0]
    engine.steps, engine.step_delay = 1000, 0.02
    user = await limited.user(points=100)
    job = await limited.station.make_image.submit(user.id, "quick", {"prompt": "fox"}, ORIGIN)
    notice = await limited.notifier.wait_for(job.id, "failed")
    assert notice.job.error == "it ran past its time limit of 0.3 seconds" and notice.job.refunded
    assert job.id in engine.cancelled and limited.runner.workers[0].healthy
    assert await limited.station.points.balance(user.id) == 100


async def test_after_a_restart_a_running_job_keeps_the_time_limit_counted_from_when_it_began(limited):
    engine, station = limited.engines[0], limited.station
    engine.steps, engine.step_delay = 1000, 0.02
    user = await limited.user(points=100)
    quote = await station.make_image.quote(user.id, "patient", {"prompt": "fox"})
    began = time.time() - 31  # 31 s into its 30 s when the station stopped
    job = Job(id="ran-before-the-restart", user_id=user.id, tool="patient", kind="image", params=quote.values,
              price=quote.price, state=JobState.REQUESTED, created_at=began, updated_at=began, origin=ORIGIN)
    job = job.to(JobState.CHARGED, began, paid=True)
    await limited.storage.jobs.add(job, station.points.charge_entry(job))
    job = await limited.storage.jobs.save(replace(job.to(JobState.QUEUED, began), worker=engine.name))
    await limited.storage.jobs.save(job.to(JobState.RUNNING, began, started_at=began))
    engine.states[job.id] = "running"
    await limited.runner.reconcile()
    notice = await limited.notifier.wait_for(job.id, "failed")  # at once, not 30 s after the restart
    assert notice.job.error == "it ran past its time limit of 30 seconds" and notice.job.refunded
    assert job.id in engine.cancelled and await station.points.balance(user.id) == 100


async def test_a_worker_silent_for_a_whole_time_limit_is_taken_out_of_service(limited):
    limited.engines[0].step_delay = 5.0  # says "running", then nothing
    user = await limited.user(points=100)
    job = await limited.station.make_image.submit(user.id, "quick", {"prompt": "fox"}, ORIGIN)
    await limited.notifier.wait_for(job.id, "failed")
    assert limited.runner.healthy_engines() == []


@pytest.mark.env(STATIONTHIS_QUEUE_TIMEOUT="0.5")
async def test_with_no_worker_a_job_is_accepted_with_a_notice_then_refunded_after_the_queue_timeout(limited):
    limited.engines[0].healthy = False
    await limited.runner.check_health()
    user = await limited.user(points=100)
    job = await limited.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    notice = await limited.notifier.wait_for(job.id, "text")
    assert notice.text.startswith("No worker can run /txt2img right now; your job waits up to 0.5 seconds")
    failed = await limited.notifier.wait_for(job.id, "failed")
    assert failed.job.error == "no image worker was free within 0.5 seconds" and failed.job.refunded
    assert await limited.station.points.balance(user.id) == 100


@pytest.mark.env(STATIONTHIS_WHEN_NO_WORKER="refuse")
async def test_with_no_worker_and_the_refuse_setting_a_job_is_refused_before_charging(limited):
    limited.engines[0].healthy = False
    await limited.runner.check_health()
    user = await limited.user(points=100)
    with pytest.raises(DomainError, match="No worker can run /txt2img right now. Nothing was charged"):
        await limited.station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, ORIGIN)
    assert await limited.storage.jobs.all() == [] and await limited.station.points.balance(user.id) == 100


async def test_the_operator_log_has_one_info_line_per_job_event_and_never_the_prompt(harness, caplog):
    caplog.set_level(logging.INFO, logger="domain")
    harness.engines[0].fail_next("out of memory")
    user = await harness.user(points=100)
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "a secret garden"}, ORIGIN)
    await harness.notifier.wait_for(job.id, "failed")
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO and job.id in r.getMessage()]
    assert [line.split(job.id)[1].split()[0] for line in lines] == ["accepted:", "started", "failed", "refunded"]
    assert "after" in lines[2] and "out of memory" in lines[2]
    assert not any("secret garden" in r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
