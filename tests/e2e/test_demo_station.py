"""The whole product on the built-in demo worker: pictures, follow-ups, a training whose LoRA changes the
demo picture, and that LoRA delivered through the worker extension to a demo worker that lost it."""
from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image, ImageStat

from adapters.comfyui.demo import DemoWorker
from bootstrap.config import load_config
from bootstrap.container import build_container
from domain.errors import Conflict
from domain.reply import ReplyTo
from tests.bounded import bounded
from tests.fakes import RecordingNotifier, png
from tests.money_audit import assert_money_audit_clean

ORIGIN = ReplyTo("test")
SECRET = "demo-test-secret"
DATASET_COLOUR = (230, 40, 200)
DATASET_COLOURS = (DATASET_COLOUR, (200, 70, 230), (250, 20, 170), (215, 55, 185))  # near it, yet not duplicates


class DemoStation:
    """The real container with the demo worker as its one worker; the worker can be replaced by a fresh one."""

    def __init__(self, tmp_path):
        self.worker = DemoWorker(SECRET, step_delay=0.002)
        self.tmp_path, self.notifier = tmp_path, RecordingNotifier()

    async def start(self):
        await self.worker.start()
        env = {"STATIONTHIS_DATA_DIR": str(self.tmp_path / "var"), "STATIONTHIS_PROGRESS_INTERVAL": "0.05"}
        self.config = replace(load_config(env=env, dotenv=False), comfyui_urls=(self.worker.url,),
                              comfyui_secret=SECRET, demo=True)
        self.container = build_container(self.config, notifier=self.notifier)
        await self.container.infra.storage().open()
        self.station = self.container.use_cases.station()
        await self.container.use_cases.runner().start()
        return self

    async def fresh_worker(self) -> None:
        """As after a restart of the worker: the same address, an empty folder (no LoRAs, no history)."""
        await self.worker.stop()
        self.worker = DemoWorker(SECRET, step_delay=0.002, port=self.worker.port)
        await self.worker.start()
        await self.container.use_cases.runner().check_health()

    async def stop(self):
        await self.container.use_cases.runner().stop()
        for engine in self.container.infra.engines():
            await engine.close()
        await self.container.infra.storage().close()
        await self.worker.stop()
        await assert_money_audit_clean(self.config)

    async def make(self, user, tool: str, params: dict):
        job = await self.station.make_image.submit(user.id, tool, params, ORIGIN)
        return await self.finished(job.id)

    async def finished(self, job_id: str):
        notice = await self.notifier.wait_for(job_id, "succeeded", timeout=30)
        return notice.job

    async def picture(self, job) -> Image.Image:
        return Image.open(io.BytesIO(await self.container.infra.blobs().get(job.outputs[0]))).convert("RGB")


@pytest.fixture
async def demo(tmp_path):
    station = await DemoStation(tmp_path).start()
    yield station
    await station.stop()


def is_labelled_demo(picture: Image.Image) -> bool:
    """The dark band across the top with the yellow word DEMO in it."""
    band = picture.crop((0, 0, picture.width, max(8, picture.width // 40)))
    pixels = band.tobytes()
    yellow = sum(1 for i in range(0, len(pixels), 3) if pixels[i] > 200 and pixels[i + 1] > 170 and pixels[i + 2] < 90)
    return ImageStat.Stat(band).mean[2] < 110 and yellow > 5


def distance(picture: Image.Image, colour: tuple[int, int, int]) -> float:
    return sum(abs(m - c) for m, c in zip(ImageStat.Stat(picture).mean, colour))


@bounded(120)
async def test_pictures_upscales_and_a_trained_lora_that_changes_the_picture(demo):
    user = await demo.station.accounts.user_for("telegram:5")
    await demo.station.points.grant(user.id, 500)
    fox = {"prompt": "a fox in the snow", "seed": 11, "steps": 8}
    plain = await demo.make(user, "txt2img", fox)
    picture = await demo.picture(plain)
    assert picture.size == (512, 512) and is_labelled_demo(picture)
    assert demo.station.follow_ups.available(plain) == ("reroll", "vary", "upscale")
    upscaled = await demo.finished((await demo.station.follow_ups.run(user.id, plain.id, "upscale", ORIGIN)).id)
    assert (await demo.picture(upscaled)).size == (2048, 2048) and is_labelled_demo(await demo.picture(upscaled))
    assert demo.station.follow_ups.available(upscaled) == ()  # upscale declares no follow-ups
    balance = await demo.station.points.balance(user.id)
    with pytest.raises(Conflict, match="That result does not offer 'vary'."):
        await demo.station.follow_ups.run(user.id, upscaled.id, "vary", ORIGIN)
    assert await demo.station.points.balance(user.id) == balance

    training = demo.station.training
    await training.create(user.id, "berry")
    for n, colour in enumerate(DATASET_COLOURS):
        await training.add_image(user.id, "berry", png(96, 96, colour), caption=f"a berry, view {n}")
    await training.trigger(user.id, "berry", "brry")
    run = await training.confirm(user.id, (await training.draft(user.id, "berry", {"steps": 12})).id, ORIGIN)
    await demo.finished(run.job_id)
    [model] = await demo.station.models.visible(user.id)

    styled = await demo.picture(await demo.make(user, "txt2img", {**fox, "lora": model.name}))
    assert is_labelled_demo(styled)
    assert distance(styled, DATASET_COLOUR) < distance(picture, DATASET_COLOUR) - 40  # visibly the dataset's colours

    await demo.fresh_worker()
    assert model.filename not in demo.worker.files.loras()
    again = await demo.picture(await demo.make(user, "txt2img", {**fox, "lora": model.name}))
    assert model.filename in demo.worker.files.loras()  # delivered through the worker extension's route
    assert again.tobytes() == styled.tobytes()
