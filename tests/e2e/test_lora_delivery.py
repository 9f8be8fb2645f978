"""Trained LoRAs reach the worker a job runs on, through the worker extension, with no shared folder."""
from __future__ import annotations

import os

import pytest

from tests.e2e.lora_training import train_lora
from tests.e2e.test_engine_end_to_end import ORIGIN, Station
from tests.standins.comfyui import ComfyUIStandin

SECRET = "shared-between-station-and-workers"


@pytest.fixture
async def workers():
    async with ComfyUIStandin(step_delay=0.005, extension_secret=SECRET) as first, \
            ComfyUIStandin(step_delay=0.005, extension_secret=SECRET) as second:
        yield first, second


@pytest.fixture
async def app(tmp_path, workers):
    station = Station(tmp_path, [w.url for w in workers])
    station.env["COMFYUI_SHARED_SECRET"] = SECRET
    await station.start()
    yield station
    await station.stop()


async def only_healthy(app, worker: ComfyUIStandin, workers) -> None:
    """Crash the others and let the runner notice; `worker` is then where jobs go."""
    for other in workers:
        if other is not worker:
            await other.crash()
    await app.container.use_cases.runner().check_health()


async def bring_back(app, workers) -> None:
    for worker in workers:
        if worker._runner is None:
            await worker.restart()
    await app.container.use_cases.runner().check_health()


async def trained_model(app, user):
    return (await train_lora(app, user, {"steps": 10}))[1]


def loras_in_models(worker: ComfyUIStandin) -> list[str]:
    folder = worker.env.model_dir("loras")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


async def test_a_lora_trained_on_one_worker_is_delivered_to_another_before_a_job_uses_it(app, workers):
    first, second = workers
    user = await app.user(points=2000)
    await only_healthy(app, first, workers)
    model = await trained_model(app, user)
    assert model.filename in os.listdir(os.path.join(first.dir("output"), "loras"))
    await first.crash()
    await bring_back(app, [second])
    await app.container.use_cases.runner().check_health()
    job = await app.station.make_image.submit(user.id, "txt2img", {"prompt": "petzorb", "lora": "pet"}, ORIGIN)
    await app.notifier.wait_for(job.id, "succeeded", timeout=20)
    assert loras_in_models(second) == [model.filename]
    with open(os.path.join(second.env.model_dir("loras"), model.filename), "rb") as delivered:
        assert delivered.read() == await app.container.infra.blobs().get(model.blob)
    assert second.received_graphs[-1]["10"]["inputs"]["lora_name"] == model.filename


async def test_a_job_goes_to_the_worker_that_already_holds_its_lora(app, workers):
    first, second = workers
    user = await app.user(points=2000)
    await only_healthy(app, second, workers)
    model = await trained_model(app, user)
    await bring_back(app, workers)  # both free: without a preference the first would take it
    job = await app.station.make_image.submit(user.id, "txt2img", {"prompt": "petzorb", "lora": "pet"}, ORIGIN)
    notice = await app.notifier.wait_for(job.id, "succeeded", timeout=20)
    assert notice.job.worker == second.url
    assert loras_in_models(first) == [] and loras_in_models(second) == []
    assert model.filename in os.listdir(os.path.join(second.dir("output"), "loras"))


async def test_a_worker_without_the_extension_fails_the_job_with_a_refund_and_plain_words(tmp_path):
    async with ComfyUIStandin(step_delay=0.005, extension_secret=SECRET) as trainer, \
            ComfyUIStandin(step_delay=0.005) as bare:
        station = Station(tmp_path, [trainer.url, bare.url])
        station.env["COMFYUI_SHARED_SECRET"] = SECRET
        app = await station.start()
        try:
            user = await app.user(points=2000)
            await only_healthy(app, trainer, [trainer, bare])
            await trained_model(app, user)
            await trainer.crash()
            await bring_back(app, [bare])
            await app.container.use_cases.runner().check_health()
            before = await app.balance(user)
            job = await app.station.make_image.submit(user.id, "txt2img", {"prompt": "petzorb", "lora": "pet"},
                                                      ORIGIN)
            notice = await app.notifier.wait_for(job.id, "failed", timeout=20)
            assert notice.job.refunded and await app.balance(user) == before
        finally:
            await station.stop()
    assert notice.job.error == "a LoRA it uses could not be brought to the worker"
    assert bare.prompts_received == 0
