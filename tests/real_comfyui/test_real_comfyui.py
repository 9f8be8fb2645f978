"""The station against a real ComfyUI (opt-in, like MongoDB's: set COMFYUI_REAL_URL; README, "Tests", says how).

COMFYUI_REAL_URL       the worker, e.g. http://127.0.0.1:8191 (ComfyUI 0.8 or newer on CPU is enough)
COMFYUI_REAL_SECRET    the COMFYUI_SHARED_SECRET the worker runs with (the LoRA delivery tests need it and the
                       worker extension installed: `stationthis comfyui extension --install DIR`)
COMFYUI_REAL_COMMAND   a shell command that starts that worker; then this module starts it and the restart test runs
COMFYUI_REAL_OUTPUT_DIR the worker's output folder on this machine; then train -> txt2img removes the trained file
                       there first, so the LoRA must come back through the extension
The sampling and training tests need the random-weight checkpoint (tests/real_comfyui/make_checkpoint.py) on the
worker as st_random_sd15.safetensors, and skip without it.
"""
from __future__ import annotations

import asyncio
import hashlib
import io
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageChops

from adapters.comfyui.engine import ComfyUIEngine
from bootstrap.tool_fitness import tool_fitness
from domain.ledger import charge_key
from domain.workflows.requests import INPUT_FOLDER
from ports.engine import DeliveryFailed, UploadFile
from tests.e2e.lora_training import train_lora
from tests.e2e.test_engine_end_to_end import ORIGIN, Station
from tests.fakes import png
from tests.standins.comfyui.recordings.record import png as gradient

URL = os.environ.get("COMFYUI_REAL_URL", "").rstrip("/")
SECRET = os.environ.get("COMFYUI_REAL_SECRET", "")
COMMAND = os.environ.get("COMFYUI_REAL_COMMAND", "")
OUTPUT_DIR = os.environ.get("COMFYUI_REAL_OUTPUT_DIR", "")
CHECKPOINT = "st_random_sd15.safetensors"
HERE = Path(__file__).parent
pytestmark = [pytest.mark.real_comfyui, pytest.mark.timeout(900),
              pytest.mark.skipif(not URL, reason="set COMFYUI_REAL_URL to run against a real ComfyUI")]


def wait_until_up(deadline: float = 180) -> None:
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        try:
            if httpx.get(URL + "/system_stats", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"ComfyUI at {URL} did not come up within {deadline} s")


class Worker:
    """The real ComfyUI: started here when COMFYUI_REAL_COMMAND is set, otherwise only used."""

    def __init__(self):
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if COMMAND:
            self.process = subprocess.Popen(COMMAND, shell=True, start_new_session=True,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_up()

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)
            self.process = None


@pytest.fixture(scope="module")
def worker():
    real = Worker()
    real.start()
    yield real
    real.stop()


@pytest.fixture
async def app(tmp_path, worker):
    station = Station(tmp_path, [URL], templates_dir=HERE / "templates")
    station.env.update(COMFYUI_TIMEOUT="120", COMFYUI_SHARED_SECRET=SECRET)
    await station.start()
    yield station
    await station.stop()


async def has_checkpoint() -> bool:
    engine = ComfyUIEngine(URL)
    try:
        return CHECKPOINT in await engine.choices("checkpoints")
    finally:
        await engine.close()


async def run_directly(graph: dict, image: bytes) -> bytes:
    """The same graph posted straight to ComfyUI, its first output fetched: what the station must match."""
    async with httpx.AsyncClient(base_url=URL, timeout=60) as http:
        await http.post("/upload/image", files={"image": ("st_direct.png", image)}, data={"overwrite": "true"})
        graph["1"]["inputs"]["image"] = "st_direct.png"
        prompt_id = (await http.post("/prompt", json={"prompt": graph})).json()["prompt_id"]
        while not (entry := (await http.get(f"/history/{prompt_id}")).json()):
            await asyncio.sleep(0.2)
        [saved] = [i for ui in entry[prompt_id]["outputs"].values() for i in ui.get("images", [])]
        return (await http.get("/view", params=saved)).content


def pixels(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


async def test_every_shipped_template_can_run_on_this_comfyui_given_its_models_and_packs(app):
    """A template that needs a custom node pack the worker lacks is told as that pack, and nothing else."""
    engine = app.container.infra.engines()[0]
    fitness = await tool_fitness(engine, app.container.infra.catalogue().templates())
    broken = {f.template.name: f.broken for f in fitness if f.broken}
    for name, lines in list(broken.items()):
        if all(line.startswith("needs the custom node pack") for line in lines):
            del broken[name]
    assert broken == {}


async def test_animate_makes_an_animated_webp_on_a_real_comfyui(app):
    picture = gradient(64, (30, 60, 220))
    user = await app.user()
    key = await app.station.media.store_input(user.id, picture)
    job = await app.station.make_image.submit(user.id, "animate", {"image": key}, ORIGIN)
    notice = await app.notifier.wait_for(job.id, "succeeded", timeout=300)
    [stored] = notice.job.outputs
    with Image.open(io.BytesIO(await app.container.infra.blobs().get(stored))) as animation:
        assert stored.endswith(".webp") and animation.n_frames > 1 and animation.size == (64, 64)
    assert await app.balance(user) == 100 - job.price


async def test_a_text_result_comes_from_previewany_in_the_real_history(app):
    user = await app.user()
    job = await app.station.make_image.submit(user.id, "say", {"words": "a caption from a real worker"}, ORIGIN)
    notice = await app.notifier.wait_for(job.id, "succeeded", timeout=120)
    assert await app.station.access.result_text(notice.job) == "a caption from a real worker"


async def test_a_real_comfyui_names_each_saved_file_before_the_prompt_ends(app):
    """What lets the station keep a result while the prompt ends (ComfyUI's `executed` message)."""
    graph = app.container.infra.catalogue().get("invert").render({"image": f"{INPUT_FOLDER}/st_early.png"})
    engine = ComfyUIEngine(URL)
    try:
        await engine.submit("st-early-output", graph, (UploadFile(INPUT_FOLDER, "st_early.png", gradient(64, (20, 200, 60))),))
        events = [event async for event in engine.follow("st-early-output")]
    finally:
        await engine.close()
    [saved] = [event for event in events if event.kind == "output"]
    assert events[-1].kind == "succeeded" and events.index(saved) < len(events) - 1
    assert saved.outputs == events[-1].outputs


@pytest.mark.parametrize("tool, values", [("invert", {}), ("upscale_simple", {"scale_by": 2.0})])
async def test_a_model_free_tool_gives_the_pixels_comfyui_itself_gives(app, tool, values):
    picture = gradient(64, (200, 60, 20))
    user = await app.user()
    key = await app.station.media.store_input(user.id, picture)
    job = await app.station.make_image.submit(user.id, tool, {"image": key, **values}, ORIGIN)
    notice = await app.notifier.wait_for(job.id, "succeeded", timeout=120)
    made = pixels(await app.container.infra.blobs().get(notice.job.outputs[0]))
    template = app.container.infra.catalogue().get(tool)
    direct = pixels(await run_directly(template.render({**job.params, "image": "x.png"}), picture))
    assert made.tobytes() == direct.tobytes()
    if tool == "invert":
        difference = ImageChops.difference(made, Image.eval(pixels(picture), lambda v: 255 - v))
        assert max(high for _, high in difference.getextrema()) <= 1
    else:
        assert made.size == (128, 128)


async def test_a_node_that_fails_on_the_worker_is_refunded_once(app):
    user = await app.user()
    key = await app.station.media.store_input(user.id, png(64, 64, (1, 2, 3)))  # no alpha channel: ImageToMask fails
    job = await app.station.make_image.submit(user.id, "alpha", {"image": key}, ORIGIN)
    notice = await app.notifier.wait_for(job.id, "failed", timeout=120)
    assert notice.job.refunded and await app.balance(user) == 100
    entries = await app.container.infra.storage().ledger.entries(user.id)
    assert [e.kind for e in entries].count("refund") == 1
    assert await app.container.infra.storage().ledger.by_key(charge_key(job.id)) is not None


async def long_txt2img(app, user, steps: int = 100):
    return await app.station.make_image.submit(user.id, "txt2img", {
        "prompt": "a fox", "checkpoint": CHECKPOINT, "steps": steps, "width": 256, "height": 256}, ORIGIN)


async def test_stopping_a_running_job_interrupts_it_on_the_worker_and_refunds_it(app):
    if not await has_checkpoint():
        pytest.skip(f"the worker has no {CHECKPOINT}")
    user = await app.user()
    job = await long_txt2img(app, user)
    await app.notifier.wait_for(job.id, "progress", timeout=120)
    await app.station.jobs.cancel(user.id)
    notice = await app.notifier.wait_for(job.id, "cancelled", timeout=120)
    assert notice.job.refunded and await app.balance(user) == 100


async def test_previews_of_a_running_job_reach_its_owner_as_pictures(app):
    engine = app.container.infra.engines()[0]
    if not (await engine.health()).previews or not await has_checkpoint():
        pytest.skip(f"the worker was started without --preview-method, or has no {CHECKPOINT}")
    user = await app.user()
    job = await long_txt2img(app, user, steps=6)
    await app.notifier.wait_for(job.id, "succeeded", timeout=300)
    previews = [n.preview for _, n in app.notifier.notices if n.job and n.job.id == job.id and n.preview]
    assert previews and all(pixels(p).size[0] > 0 for p in previews)


async def test_a_worker_restarted_mid_job_fails_the_job_with_one_refund_and_comes_back(app, worker):
    if not COMMAND:
        pytest.skip("set COMFYUI_REAL_COMMAND so the test can restart the worker")
    if not await has_checkpoint():
        pytest.skip(f"the worker has no {CHECKPOINT}")
    user = await app.user()
    job = await long_txt2img(app, user)
    await app.notifier.wait_for(job.id, "progress", timeout=120)
    worker.stop()
    worker.start()
    notice = await app.notifier.wait_for(job.id, "failed", timeout=300)
    assert notice.job.refunded and await app.balance(user) == 100
    await app.container.use_cases.runner().check_health()
    again = await long_txt2img(app, user, steps=2)
    await app.notifier.wait_for(again.id, "succeeded", timeout=300)


async def test_a_lora_file_is_delivered_through_the_extension_verified_and_kept_once(app):
    engine = app.container.infra.engines()[0]
    if problem := await engine.delivery_problem():
        pytest.skip(problem)
    data = b"\x02\x00\x00\x00\x00\x00\x00\x00{}" + os.urandom(2048)
    name = f"st_{os.urandom(6).hex()}_1_steps_00001_.safetensors"

    async def chunks(body=data):
        yield body

    digest = hashlib.sha256(data).hexdigest()
    assert await engine.deliver("loras", name, len(data), digest, chunks()) is True
    assert await engine.deliver("loras", name, len(data), digest, chunks()) is False
    with pytest.raises(DeliveryFailed, match="damaged"):
        damaged = data[:-1] + bytes([data[-1] ^ 0xFF])
        await engine.deliver("loras", "st_x_1_steps_00001_.safetensors", len(data), digest, chunks(damaged))
    assert name in await engine.choices("loras", fresh=True)


async def test_train_then_make_a_picture_with_the_new_lora(app):
    if not await has_checkpoint():
        pytest.skip(f"the worker has no {CHECKPOINT}")
    user = await app.user(points=1000)
    run, model = await train_lora(app, user, {"steps": 10, "checkpoint": CHECKPOINT, "resolution": 64}, timeout=600)
    steps = [n.job.progress for _, n in app.notifier.notices if n.job and n.job.id == run.job_id and n.kind == "progress"
             and n.job.progress.total]
    real = [p for p in steps if p.message != "estimated"]  # estimated only until TrainLoraNode's first step
    assert real and real[-1].total == 10 and real[-1].step > 0 and steps[-len(real):] == real
    trained = await app.container.infra.storage().jobs.get(run.job_id)
    assert trained.outputs[1].endswith(".png")  # the loss curve, kept with the model
    if OUTPUT_DIR:  # gone from the worker: the next job must bring it back through the extension
        os.unlink(Path(OUTPUT_DIR, "loras", model.filename))
    job = await app.station.make_image.submit(user.id, "txt2img", {
        "prompt": "petzorb", "lora": "pet", "checkpoint": CHECKPOINT, "steps": 2, "width": 256, "height": 256}, ORIGIN)
    notice = await app.notifier.wait_for(job.id, "succeeded", timeout=300)
    assert pixels(await app.container.infra.blobs().get(notice.job.outputs[0])).size == (256, 256)
