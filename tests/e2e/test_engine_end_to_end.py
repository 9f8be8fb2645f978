"""The real job runner and ComfyUI client against the stand-in ComfyUI: faults, restarts, refunds."""
import asyncio
import json
import logging
from pathlib import Path

import pytest

from bootstrap.config import load_config
from bootstrap.container import build_container
from domain.reply import ReplyTo
from tests.fakes import RecordingNotifier
from tests.money_audit import assert_money_audit_clean
from tests.standins.comfyui import ComfyUIStandin

ORIGIN = ReplyTo("test")


class Station:
    """A real container on a data dir, with a recording notifier; can be stopped and started again."""

    def __init__(self, tmp_path, urls, templates_dir=None):
        self.env = {"STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "COMFYUI_URLS": ",".join(urls),
                    "STATIONTHIS_PROGRESS_INTERVAL": "0.05", "COMFYUI_TIMEOUT": "3"}
        if templates_dir:
            self.env["STATIONTHIS_TEMPLATES_DIR"] = str(templates_dir)
        self.notifier = RecordingNotifier()

    async def start(self):
        self.config = load_config(env=self.env, dotenv=False)
        self.container = build_container(self.config, notifier=self.notifier)
        await self.container.infra.storage().open()
        self.station = self.container.use_cases.station()
        await self.container.use_cases.runner().start()
        return self

    async def stop(self):
        await self.container.use_cases.runner().stop()
        for engine in self.container.infra.engines():
            await engine.close()
        await self.container.infra.storage().close()
        await assert_money_audit_clean(self.config)

    async def user(self, points=100):
        user = await self.station.accounts.user_for("telegram:7")
        if points:
            await self.station.points.grant(user.id, points)
        return user

    async def balance(self, user):
        return await self.station.points.balance(user.id)


@pytest.fixture
async def comfy():
    async with ComfyUIStandin(step_delay=0.02) as standin:
        yield standin


@pytest.fixture
async def app(tmp_path, comfy):
    station = await Station(tmp_path, [comfy.url]).start()
    yield station
    await station.stop()


async def test_a_txt2img_job_runs_on_comfyui_and_its_png_is_delivered(app, comfy):
    user = await app.user()
    job = await app.station.make_image.submit(user.id, "txt2img", {"prompt": "a fox", "steps": 5}, ORIGIN)
    notice = await app.notifier.wait_for(job.id, "succeeded", timeout=20)
    data = await app.container.infra.blobs().get(notice.job.outputs[0])
    assert data.startswith(b"\x89PNG")
    assert "progress" in app.notifier.kinds(job.id)
    assert comfy.received_graphs[-1]["6"]["inputs"]["text"] == "a fox"
    assert await app.balance(user) == 100 - job.price


async def test_a_graph_comfyui_rejects_is_refunded_with_a_clear_message(app, comfy):
    user = await app.user()
    comfy.fail_next_submit()
    job = await app.station.make_image.submit(user.id, "txt2img", {"prompt": "a fox"}, ORIGIN)
    notice = await app.notifier.wait_for(job.id, "failed", timeout=20)
    assert notice.job.refunded and notice.job.error
    assert await app.balance(user) == 100


async def test_a_node_that_fails_at_run_time_is_refunded_and_named_to_the_operator_not_the_user(app, comfy, caplog):
    caplog.set_level(logging.INFO)
    user = await app.user()
    comfy.fail_node("KSampler", "CUDA out of memory")
    job = await app.station.make_image.submit(user.id, "txt2img", {"prompt": "a fox"}, ORIGIN)
    notice = await app.notifier.wait_for(job.id, "failed", timeout=20)
    assert notice.job.error == "the image worker ran into an error while making it"
    assert any("KSampler" in r.getMessage() and "out of memory" in r.getMessage() for r in caplog.records)
    assert await app.balance(user) == 100


async def test_a_dropped_socket_does_not_lose_the_result(app, comfy):
    user = await app.user()
    comfy.step_delay = 0.1
    job = await app.station.make_image.submit(user.id, "txt2img", {"prompt": "a fox", "steps": 20}, ORIGIN)
    await app.notifier.wait_for(job.id, "progress", timeout=20)
    comfy.drop_sockets()
    await app.notifier.wait_for(job.id, "succeeded", timeout=30)
    assert await app.balance(user) == 100 - job.price


async def test_a_worker_that_crashes_mid_job_fails_it_with_a_refund(app, comfy):
    user = await app.user()
    comfy.step_delay = 0.2
    job = await app.station.make_image.submit(user.id, "txt2img", {"prompt": "a fox", "steps": 50}, ORIGIN)
    await app.notifier.wait_for(job.id, "progress", timeout=20)
    await comfy.crash()
    notice = await app.notifier.wait_for(job.id, "failed", timeout=60)
    assert notice.job.refunded and await app.balance(user) == 100
    runner = app.container.use_cases.runner()
    await runner.check_health()
    assert runner.healthy_engines() == []
    await comfy.restart()
    await runner.check_health()
    assert len(runner.healthy_engines()) == 1


async def test_a_template_whose_output_never_appears_is_refunded(tmp_path, comfy):
    mine = tmp_path / "mine"
    mine.mkdir()
    shipped = Path(__file__).resolve().parents[2] / "templates"
    (mine / "noout.json").write_text((shipped / "txt2img.json").read_text())
    manifest = (shipped / "txt2img.toml").read_text().replace('outputs = ["9"]', 'outputs = ["8"]')
    (mine / "noout.toml").write_text(manifest)
    app = await Station(tmp_path, [comfy.url], templates_dir=mine).start()
    try:
        user = await app.user()
        job = await app.station.make_image.submit(user.id, "noout", {"prompt": "a fox"}, ORIGIN)
        notice = await app.notifier.wait_for(job.id, "failed", timeout=20)
        assert notice.job.failure == "no_result" and notice.job.refunded
        assert await app.balance(user) == 100
    finally:
        await app.stop()


async def test_a_restart_between_submit_and_result_delivers_exactly_once(tmp_path, comfy):
    comfy.step_delay = 0.1
    first = await Station(tmp_path, [comfy.url]).start()
    user = await first.user()
    job = await first.station.make_image.submit(user.id, "txt2img", {"prompt": "a fox", "steps": 15}, ORIGIN)
    await first.notifier.wait_for(job.id, "progress", timeout=20)
    await first.stop()
    second = await Station(tmp_path, [comfy.url]).start()
    try:
        await second.notifier.wait_for(job.id, "succeeded", timeout=30)
        await asyncio.sleep(0.3)
        assert second.notifier.kinds(job.id).count("succeeded") == 1
        assert comfy.prompts_received == 1
        assert await second.balance(user) == 100 - job.price
        assert await second.container.infra.storage().ledger.verify() == []
    finally:
        await second.stop()


async def test_a_job_comfyui_forgot_across_its_restart_is_refunded_after_ours(tmp_path, comfy):
    comfy.step_delay = 0.2
    first = await Station(tmp_path, [comfy.url]).start()
    user = await first.user()
    job = await first.station.make_image.submit(user.id, "txt2img", {"prompt": "a fox", "steps": 50}, ORIGIN)
    await first.notifier.wait_for(job.id, "progress", timeout=20)
    await first.stop()
    await comfy.restart()
    second = await Station(tmp_path, [comfy.url]).start()
    try:
        notice = await second.notifier.wait_for(job.id, "failed", timeout=20)
        assert notice.job.refunded and await second.balance(user) == 100
        assert comfy.prompts_received == 1
    finally:
        await second.stop()


async def test_the_training_template_produces_a_lora_the_same_worker_loads_at_once(app, comfy):
    from tests.e2e.lora_training import train_lora

    user = await app.user(points=2000)
    comfy.step_delay = 0.1
    run, model = await train_lora(app, user, {"steps": 20})
    steps = [n.job.progress.step for _, n in app.notifier.notices
             if n.job.id == run.job_id and n.job.progress.message != "training (estimated)"]
    assert any(0 < step <= 20 for step in steps), "ComfyUI 0.8's TrainLoraNode reports each step"
    lora = await app.container.infra.blobs().get(model.blob)
    header = int.from_bytes(lora[:8], "little")
    assert isinstance(json.loads(lora[8:8 + header]), dict)
    job = await app.station.make_image.submit(user.id, "txt2img", {"prompt": "petzorb", "lora": "pet"}, ORIGIN)
    await app.notifier.wait_for(job.id, "succeeded", timeout=20)
    assert model.filename in json.dumps(comfy.received_graphs[-1])


async def test_a_worker_answering_garbage_mid_job_fails_it_with_a_refund(app, comfy):
    user = await app.user()
    comfy.step_delay = 0.2
    job = await app.station.make_image.submit(user.id, "txt2img", {"prompt": "a fox", "steps": 40}, ORIGIN)
    await app.notifier.wait_for(job.id, "progress", timeout=20)
    comfy.garbage_mode("non_json")
    comfy.drop_sockets()
    notice = await app.notifier.wait_for(job.id, "failed", timeout=60)
    assert notice.job.refunded and await app.balance(user) == 100


async def test_a_socket_that_never_reports_the_end_is_covered_by_polling_history(app, comfy):
    user = await app.user()
    comfy.garbage_mode("ws_never_closes")
    job = await app.station.make_image.submit(user.id, "txt2img", {"prompt": "a fox", "steps": 3}, ORIGIN)
    await app.notifier.wait_for(job.id, "succeeded", timeout=30)
    assert await app.balance(user) == 100 - job.price
