"""Preview frames through ComfyUIEngine from the stand-in: each to its own prompt, only the newest kept."""
import asyncio
import io

import pytest
from PIL import Image

from adapters.comfyui import ComfyUIEngine
from adapters.templates.folder import load_templates
from tests.integration.test_comfyui_engine import SHIPPED
from tests.standins.comfyui import ComfyUIStandin

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
async def comfy():
    async with ComfyUIStandin(checkpoints=["sd15.safetensors"], step_delay=0.02, preview_rate=1000) as server:
        yield server


@pytest.fixture
async def engine(comfy):
    engine = ComfyUIEngine(comfy.url, timeout=2.0, poll_interval=0.1)
    yield engine
    await engine.close()


@pytest.fixture(scope="module")
def txt2img():
    template = next(t for t in load_templates(SHIPPED) if t.name == "txt2img")
    return lambda seed, steps: template.render(template.spec.validate(
        {"prompt": "a lighthouse", "width": 256, "height": 256, "steps": steps, "seed": seed}))


def named(preview: bytes) -> tuple[str, int]:
    """The prompt and step the stand-in wrote into the picture's JPEG comment."""
    prompt_id, step = Image.open(io.BytesIO(preview)).info["comment"].decode().split()
    return prompt_id, int(step.split("/")[0])


async def previews_of(engine, prompt_id: str, pause: float = 0.0) -> list[bytes]:
    pictures = []
    async for event in engine.follow(prompt_id):
        if event.kind == "preview":
            pictures.append(event.preview)
            await asyncio.sleep(pause)
    return pictures


@pytest.mark.parametrize("metadata", [True, False], ids=["type 4 names the prompt", "type 1 by the running one"])
async def test_previews_of_two_jobs_on_one_worker_each_reach_their_own_job(engine, comfy, txt2img, metadata):
    comfy.script.preview_metadata = metadata
    for prompt_id, seed in (("p-first", 1), ("p-second", 2)):
        await engine.submit(prompt_id, txt2img(seed, 6), ())
    first, second = await asyncio.gather(previews_of(engine, "p-first"), previews_of(engine, "p-second"))
    assert first and second
    assert {named(p)[0] for p in first} == {"p-first"}
    assert {named(p)[0] for p in second} == {"p-second"}


async def test_frames_faster_than_the_follower_reads_leave_only_the_newest(engine, comfy, txt2img):
    comfy.step_delay = 0.002
    await engine.submit("p-fast", txt2img(1, 100), ())
    seen = await previews_of(engine, "p-fast", pause=0.05)
    steps = [named(p)[1] for p in seen]
    assert steps == sorted(steps) and len(steps) < 50  # older pictures were replaced, never queued
    assert engine._socket.previews.take("p-fast") == b""  # nothing kept once the prompt is no longer followed


async def test_health_says_whether_the_worker_sends_previews(engine, comfy):
    assert (await engine.health()).previews
    comfy.preview_rate = None
    assert not (await engine.health()).previews
