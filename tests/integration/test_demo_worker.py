"""The demo worker against what a real ComfyUI 0.8.0 answered, and against the station's own engine client."""
from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from adapters.comfyui.demo import DemoWorker
from adapters.comfyui.demo.catalog import object_info
from adapters.comfyui.demo.files import DemoFiles
from adapters.comfyui.engine import ComfyUIEngine
from adapters.templates.folder import load_templates
from bootstrap.config import SHIPPED_TEMPLATES
from bootstrap.tool_fitness import tool_fitness
from tests.standins.comfyui.recorded import pack, pack_names, recording
from tests.standins.comfyui.recordings.record import prepare_inputs
from tests.standins.test_comfyui_recordings import (  # any server with .url and .port
    assert_ended_as_recorded,
    recorded_run,
    run_on,
)

FILE_LISTS = {"ckpt_name", "lora_name", "model_name", "image", "folder"}  # what each worker lists of its own files
PACK_FILE_LISTS = {("Searge_LLM_Node", "model")}  # a custom node pack's list of the worker's files (models/llm_gguf)


@pytest.fixture
async def demo():
    async with DemoWorker("demo-secret", step_delay=0.001) as worker:
        async with httpx.AsyncClient(base_url=worker.url, timeout=10) as http:
            await prepare_inputs(http)
        yield worker


def kinds(messages: list[dict]) -> list[str]:
    """Message types, with the node each `executing` names; progress_state (which the station never reads and
    the demo does not send) left out."""
    return [f"{m['type']}:{m['data'].get('node')}" if m["type"] == "executing" else m["type"]
            for m in messages if m.get("type") not in (None, "progress_state")]


def test_every_node_the_demo_declares_has_the_names_and_types_comfyui_gives_it():
    """Core nodes as ComfyUI 0.8.0 answered; the custom node packs' (which describe, caption and assist need) as
    the stand-in declares them from each pack's source."""
    packs = {name: info for p in pack_names() for name, info in pack(p)["nodes"].items()}
    real, mine = {**recording("object_info.json"), **packs}, object_info_of_empty_worker()
    for class_type, node in mine.items():
        assert class_type in real, class_type
        assert node["output"] == real[class_type]["output"] and node["output_node"] == real[class_type]["output_node"]
        declared = {**real[class_type]["input"]["required"], **real[class_type]["input"].get("optional", {})}
        for section in ("required", "optional"):
            for name, spec in node["input"][section].items():
                assert name in real[class_type]["input"][section], f"{class_type}.{name}"
                if name in FILE_LISTS or (class_type, name) in PACK_FILE_LISTS:
                    continue
                if isinstance(spec[0], list):
                    assert set(spec[0]) <= set(declared[name][0] if isinstance(declared[name][0], list)
                                               else declared[name][1]["options"]), f"{class_type}.{name}"
                else:
                    assert spec[0] == declared[name][0], f"{class_type}.{name}"


def object_info_of_empty_worker() -> dict:
    files = DemoFiles()
    files.create()
    try:
        return object_info(files)
    finally:
        files.remove()


@pytest.mark.parametrize("name", ["upscale_simple", "node_error", "animated_webp"])
async def test_the_demo_sends_what_the_real_server_sent(demo, name):
    run = recorded_run(name)
    messages, entry = await run_on(demo, name, run["graph"])
    mine, real = kinds(messages)[1:], kinds(run["messages"])[1:]  # the first is the greeting, sent before the prompt
    if name == "animated_webp":  # two independent sources: ComfyUI picks another valid order for them
        mine, real = sorted(mine), sorted(real)
    assert mine == real
    assert_ended_as_recorded(entry, run)


async def test_a_training_run_reports_each_step_and_ends_as_the_real_one_did(demo):
    run = recorded_run("train_lora")
    messages, entry = await run_on(demo, "train_lora", run["graph"])
    mine, real = kinds(messages), kinds(run["messages"])
    assert mine.count("progress") == real.count("progress") == 4
    assert sorted(mine) == sorted(real)  # the same messages; the demo runs the nodes in another valid order
    assert {node: sorted(ui) for node, ui in entry["outputs"].items()} == \
        {node: sorted(ui) for node, ui in run["history"]["outputs"].items()}
    async with httpx.AsyncClient(base_url=demo.url) as http:
        saved = await http.get("/view", params={"filename": "st_record_4_steps_00001_.safetensors",
                                                 "subfolder": "loras", "type": "output"})
    assert saved.status_code == 200 and saved.content[8:9] == b"{"  # a safetensors header follows its length


async def test_a_node_type_the_demo_lacks_is_refused_as_comfyui_refuses_it(demo):
    async with httpx.AsyncClient(base_url=demo.url) as http:
        answer = await http.post("/prompt", json={"prompt": {"1": {"class_type": "NoSuchNode", "inputs": {}}}})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "Cannot execute because node NoSuchNode does not exist."


async def test_every_shipped_template_can_run_on_the_demo_worker(demo):
    engine = ComfyUIEngine(demo.url, secret="demo-secret")
    try:
        fitness = await tool_fitness(engine, load_templates(SHIPPED_TEMPLATES))
        assert await engine.delivery_problem() == ""
    finally:
        await engine.close()
    assert {f.template.name: [p.detail for p in f.problems] for f in fitness} == \
        {f.template.name: [] for f in fitness}
    assert {"txt2img", "img2img", "upscale", "upscale_simple", "train_lora"} <= {f.template.name for f in fitness}


async def test_the_engine_client_runs_a_batch_and_cancels_a_running_prompt_on_the_demo(demo):
    template = {t.name: t for t in load_templates(SHIPPED_TEMPLATES)}["txt2img"]
    values = {p.name: p.default for p in template.spec.params} | {"prompt": "a fox", "seed": 5, "batch_size": 2}
    engine = ComfyUIEngine(demo.url, secret="demo-secret")
    try:
        await engine.submit("batch", template.render(values), ())
        events = [event async for event in engine.follow("batch")]
        pictures = [Image.open(io.BytesIO(await engine.fetch(o))) for o in events[-1].outputs]
        demo.step_delay = 0.05  # long enough to interrupt
        await engine.submit("stopped", template.render({**values, "steps": 100}), ())
        follower = engine.follow("stopped")
        async for event in follower:
            if event.kind == "progress":
                await engine.cancel("stopped")
                break
        ending = [event async for event in engine.follow("stopped")][-1]
    finally:
        await engine.close()
    assert events[-1].kind == "succeeded" and [p.size for p in pictures] == [(512, 512), (512, 512)]
    assert pictures[0].tobytes() != pictures[1].tobytes()  # each picture of a batch has its own seed
    assert ending.kind == "cancelled"

