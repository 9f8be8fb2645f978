"""The stand-in against what a real ComfyUI 0.8.0 answered: the same messages in the same order, the same
history shapes, and every shipped template accepted by the recorded schema."""
from __future__ import annotations

import json
import pathlib

import httpx
import pytest
import websockets

from adapters.templates.folder import load_templates
from tests.standins.comfyui import ComfyUIStandin
from tests.standins.comfyui.recordings.record import png, prepare_inputs

ROOT = pathlib.Path(__file__).resolve().parents[2]
RECORDED = ROOT / "tests" / "standins" / "comfyui" / "recordings"


def recorded_run(name: str) -> dict:
    return json.loads((RECORDED / "runs" / f"{name}.json").read_text())


def kinds(messages: list[dict]) -> list[str]:
    """Message types, with the node each `executing` names (binary preview frames left out)."""
    return [f"{m['type']}:{m['data'].get('node')}" if m["type"] == "executing" else m["type"]
            for m in messages if "type" in m]


def assert_ended_as_recorded(entry: dict, run: dict) -> None:
    """A /history entry with the recorded run's status, output nodes and kinds of output, and the same keys."""
    assert entry["status"]["status_str"] == run["history"]["status"]["status_str"]
    assert {node: sorted(ui) for node, ui in entry["outputs"].items()} == \
        {node: sorted(ui) for node, ui in run["history"]["outputs"].items()}
    assert sorted(entry) == sorted(run["history"])


@pytest.fixture
async def comfy(tmp_path):
    async with ComfyUIStandin(str(tmp_path), checkpoints=["st_random_sd15.safetensors"], step_delay=0.001) as standin:
        async with httpx.AsyncClient(base_url=standin.url, timeout=10) as http:
            await prepare_inputs(http)
        yield standin


async def run_on(comfy: ComfyUIStandin, name: str, graph: dict) -> tuple[list[dict], dict]:
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http, \
            websockets.connect(f"ws://127.0.0.1:{comfy.port}/ws?clientId=replay") as ws:
        answer = await http.post("/prompt", json={"prompt": graph, "client_id": "replay", "prompt_id": name})
        assert answer.status_code == 200, answer.text
        messages = []
        while not (messages and messages[-1]["type"] == "executing" and messages[-1]["data"]["node"] is None):
            frame = await ws.recv()
            if isinstance(frame, str):
                messages.append(json.loads(frame))
        return messages, (await http.get(f"/history/{name}")).json()[name]


@pytest.mark.parametrize("name", ["invert", "upscale_simple", "node_error", "train_lora", "preview_any",
                                  "animated_webp", "animated_png", "webm"])
async def test_the_stand_in_sends_what_the_real_server_sent_in_the_same_order(comfy, name):
    run = recorded_run(name)
    messages, entry = await run_on(comfy, name, run["graph"])
    assert kinds(messages)[1:] == kinds(run["messages"])[1:]  # the first is the greeting, sent before the prompt
    assert_ended_as_recorded(entry, run)


async def test_a_failing_node_reports_the_same_error_fields_as_the_real_server(comfy):
    run = recorded_run("node_error")
    messages, _ = await run_on(comfy, "node_error", run["graph"])
    [mine] = [m["data"] for m in messages if m["type"] == "execution_error"]
    [real] = [m["data"] for m in run["messages"] if m.get("type") == "execution_error"]
    assert sorted(mine) == sorted(real)
    assert (mine["node_id"], mine["node_type"], mine["exception_type"]) == \
        (real["node_id"], real["node_type"], real["exception_type"])


@pytest.mark.parametrize("name", sorted(p.stem for p in (RECORDED / "rejected").glob("*.json")))
async def test_the_stand_in_refuses_what_the_real_server_refused_with_the_same_errors(comfy, name):
    recorded = json.loads((RECORDED / "rejected" / f"{name}.json").read_text())
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        answer = await http.post("/prompt", json={"prompt": recorded["graph"], "client_id": "st-record"})
    assert answer.status_code == recorded["status"]
    mine, real = answer.json(), recorded["answer"]
    assert mine["error"]["type"] == real["error"]["type"] and mine["error"]["message"] == real["error"]["message"]
    assert {n: [e["type"] for e in v["errors"]] for n, v in mine["node_errors"].items()} == \
        {n: [e["type"] for e in v["errors"]] for n, v in real["node_errors"].items()}


async def test_every_shipped_template_is_accepted_by_the_recorded_schema(tmp_path):
    """Core nodes against the recording; the custom node packs' nodes against their declarations (packs/)."""
    models = {"checkpoints": ["sd15.safetensors"], "upscale_models": ["RealESRGAN_x4plus.pth"]}
    async with ComfyUIStandin(str(tmp_path), checkpoints=models["checkpoints"],
                              upscale_models=models["upscale_models"], packs=("florence2", "searge_llm")) as comfy:
        async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
            await http.post("/upload/image", files={"image": ("example.png", png(64, (1, 2, 3)))})
            await http.post("/upload/image", files={"image": ("001.png", png(64, (1, 2, 3)))},
                            data={"subfolder": "dataset"})
            refused = {}
            for template in load_templates(ROOT / "templates"):
                graph = template.render({p.name: p.default for p in template.spec.params})
                answer = await http.post("/prompt", json={"prompt": graph, "front": True})
                if answer.status_code != 200:
                    refused[template.name] = answer.json()
    assert refused == {}


def with_frames(messages: list) -> list[str]:
    """Message types with each binary frame as `binary:<event type>`, progress_state left out."""
    return [f"binary:{int.from_bytes(m[:4], 'big')}" if isinstance(m, bytes) else m["type"]
            for m in messages if isinstance(m, bytes) or m["type"] != "progress_state"]


def recorded_with_frames(name: str) -> list:
    return [(RECORDED / m["binary"]).read_bytes() if "binary" in m else m for m in recorded_run(name)["messages"]]


@pytest.mark.parametrize("name", ["txt2img_previews", "txt2img_previews_metadata"])
async def test_preview_frames_come_laid_out_and_placed_as_the_real_server_sent_them(tmp_path, name):
    run, metadata = recorded_run(name), name.endswith("metadata")
    async with ComfyUIStandin(str(tmp_path), checkpoints=["st_random_sd15.safetensors"], step_delay=0.001,
                              preview_rate=10_000) as comfy, \
            httpx.AsyncClient(base_url=comfy.url, timeout=10) as http, \
            websockets.connect(f"ws://127.0.0.1:{comfy.port}/ws?clientId=replay") as ws:
        if metadata:
            await ws.send(json.dumps({"type": "feature_flags", "data": {"supports_preview_metadata": True}}))
        answer = await http.post("/prompt", json={"prompt": run["graph"], "client_id": "replay", "prompt_id": name})
        assert answer.status_code == 200, answer.text
        messages: list = []
        while not (messages and isinstance(messages[-1], dict) and messages[-1]["type"] == "executing"
                   and messages[-1]["data"]["node"] is None):
            frame = await ws.recv()
            messages.append(json.loads(frame) if isinstance(frame, str) else frame)
    real = recorded_with_frames(name)
    start = next(i for i, m in enumerate(real) if isinstance(m, dict) and m["type"] == "execution_start")
    mine_start = next(i for i, m in enumerate(messages) if isinstance(m, dict) and m["type"] == "execution_start")
    assert with_frames(messages[mine_start:]) == with_frames(real[start:])
    mine_frames, real_frames = [m for m in messages if isinstance(m, bytes)], [m for m in real if isinstance(m, bytes)]
    for mine, recorded in zip(mine_frames, real_frames):
        assert mine[:4] == recorded[:4]
        if metadata:
            size, real_size = int.from_bytes(mine[4:8], "big"), int.from_bytes(recorded[4:8], "big")
            assert list(json.loads(mine[8:8 + size])) == list(json.loads(recorded[8:8 + real_size]))
            assert json.loads(mine[8:8 + size])["prompt_id"] == name
        else:
            assert mine[4:8] == recorded[4:8]  # the image format: 1, JPEG
    assert len(mine_frames) == len(real_frames)


async def test_the_system_stats_say_whether_the_worker_has_a_preview_method(tmp_path):
    async with ComfyUIStandin(str(tmp_path)) as comfy, httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        assert "--preview-method" not in (await http.get("/system_stats")).json()["system"]["argv"]
        comfy.preview_rate = 5.0
        argv = (await http.get("/system_stats")).json()["system"]["argv"]
        assert argv[argv.index("--preview-method") + 1] == "latent2rgb"
