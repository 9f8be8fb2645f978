"""The ComfyUI stand-in, driven with plain httpx + websockets exactly as a ComfyUI client would."""
from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import pathlib
import socket
import struct
import sys
import time

import httpx
import pytest
import websockets
from PIL import Image

from tests.standins.comfyui import ComfyUIStandin

CLIENT = "tester"
RECORDED = pathlib.Path(__file__).parent / "comfyui" / "recordings"


@pytest.fixture
async def comfy():
    async with ComfyUIStandin(step_delay=0.002) as standin:
        yield standin


def ws_url(comfy: ComfyUIStandin, client_id: str, prefix: str = "") -> str:
    return f"ws://127.0.0.1:{comfy.port}{prefix}/ws?clientId={client_id}"


async def recv_json(ws, timeout: float = 10.0) -> dict:
    while True:
        frame = await asyncio.wait_for(ws.recv(), timeout)
        if isinstance(frame, str):
            return json.loads(frame)


@contextlib.asynccontextmanager
async def session(comfy: ComfyUIStandin, client_id: str = CLIENT):
    """An HTTP client plus a websocket whose greeting `status` has already been read."""
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http, \
            websockets.connect(ws_url(comfy, client_id)) as ws:
        hello = await recv_json(ws)
        assert hello == {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": client_id}}
        yield http, ws


async def submit(http: httpx.AsyncClient, graph: dict, client_id: str | None = CLIENT, **extra) -> str:
    body = {"prompt": graph, **extra} if client_id is None else {"prompt": graph, "client_id": client_id, **extra}
    response = await http.post("/prompt", json=body)
    assert response.status_code == 200, response.text
    return response.json()["prompt_id"]


async def until_done(ws, prompt_id: str, timeout: float = 20.0) -> list[dict]:
    """Every message up to and including `executing {node: None}` for this prompt."""
    seen = []
    async with asyncio.timeout(timeout):
        while True:
            seen.append(await recv_json(ws, timeout))
            if seen[-1]["type"] == "executing" and seen[-1]["data"]["node"] is None:
                assert seen[-1]["data"]["prompt_id"] == prompt_id
                return seen


async def until_event(ws, kind: str, timeout: float = 10.0, **fields) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            message = await recv_json(ws, timeout)
            if message["type"] == kind and all(message["data"].get(k) == v for k, v in fields.items()):
                return message


async def drain(ws, quiet: float = 0.2):
    """Whatever arrives until the socket has been quiet for `quiet` seconds."""
    with contextlib.suppress(TimeoutError):
        while True:
            yield await recv_json(ws, timeout=quiet)


async def history_of(http: httpx.AsyncClient, prompt_id: str, timeout: float = 10.0) -> dict:
    async with asyncio.timeout(timeout):
        while not (entry := (await http.get(f"/history/{prompt_id}")).json()):
            await asyncio.sleep(0.02)
    return entry[prompt_id]


def txt2img(seed: int = 1, width: int = 64, height: int = 48, steps: int = 3, prefix: str = "bot",
            ckpt: str = "sd15.safetensors") -> dict:
    return {
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": ckpt}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": width, "height": height, "batch_size": 1}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox", "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
        "3": {"class_type": "KSampler", "inputs": {
            "model": ["4", 0], "seed": seed, "steps": steps, "cfg": 7.0, "sampler_name": "euler",
            "scheduler": "normal", "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0],
            "denoise": 1.0}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": prefix}},
    }


def png_bytes(size=(40, 30), color=(10, 200, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


async def upload(http, name: str, data: bytes, subfolder: str = "", **fields) -> dict:
    response = await http.post("/upload/image", files={"image": (name, data)}, data={"subfolder": subfolder, **fields})
    assert response.status_code == 200, response.text
    return response.json()


async def view_image(http, image: dict) -> Image.Image:
    response = await http.get("/view", params=image)
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


# --- the txt2img path -------------------------------------------------------------------------

async def test_a_txt2img_graph_returns_a_real_png_of_the_requested_size_in_the_reference_event_order(comfy):
    async with session(comfy) as (http, ws):
        prompt_id = await submit(http, txt2img(width=64, height=48, steps=3, prefix="smoke/inv"))
        events = await until_done(ws, prompt_id)
        entry = await history_of(http, prompt_id)  # already written when executing{node: None} arrives
        picture = await view_image(http, {"filename": "inv_00001_.png", "subfolder": "smoke", "type": "output"})

    kinds = [e["type"] for e in events if e["type"] not in ("progress_state", "progress")]
    assert kinds[:4] == ["status", "status", "execution_start", "execution_cached"]
    assert kinds[4:-4] == ["executing"] * 7
    assert kinds[-4:] == ["executed", "execution_success", "status", "executing"]
    assert [e["data"]["status"]["exec_info"]["queue_remaining"] for e in events if e["type"] == "status"] == [1, 1, 0]
    assert events[3]["data"]["nodes"] == []
    executed = next(e["data"] for e in events if e["type"] == "executed")
    assert executed == {"node": "9", "display_node": "9", "prompt_id": prompt_id,
                        "output": {"images": [{"filename": "inv_00001_.png", "subfolder": "smoke", "type": "output"}]}}
    progress = [e["data"] for e in events if e["type"] == "progress"]
    assert progress == [{"value": v, "max": 3, "prompt_id": prompt_id, "node": "3"} for v in (1, 2, 3)]
    assert picture.size == (64, 48) and picture.mode == "RGB"
    assert entry["outputs"] == {"9": executed["output"]}


async def test_history_entries_have_the_reference_shape(comfy):
    async with session(comfy) as (http, ws):
        prompt_id = await submit(http, txt2img(), prompt_id="client-chosen-id",
                                 extra_data={"extra_pnginfo": {"workflow": {}}})
        await until_done(ws, prompt_id)
        entry = (await http.get("/history/client-chosen-id")).json()["client-chosen-id"]

    assert prompt_id == "client-chosen-id"
    number, stored_id, graph, extra_data, outputs = entry["prompt"]
    assert (number, stored_id, outputs) == (0, prompt_id, ["9"])
    assert graph == txt2img() and extra_data == {"extra_pnginfo": {"workflow": {}}, "client_id": CLIENT}
    assert set(entry) == {"prompt", "outputs", "status", "meta"}
    assert entry["status"]["status_str"] == "success" and entry["status"]["completed"] is True
    assert [m[0] for m in entry["status"]["messages"]] == ["execution_start", "execution_cached", "execution_success"]
    assert all(isinstance(m[1]["timestamp"], int) for m in entry["status"]["messages"])
    assert entry["meta"] == {"9": {"node_id": "9", "display_node": "9", "parent_node": None, "real_node_id": "9"}}


async def test_different_seeds_give_different_pixels_and_the_same_seed_the_same(comfy):
    async with session(comfy) as (http, ws):
        images = []
        for seed in (1, 2, 1):
            prompt_id = await submit(http, txt2img(seed=seed))
            await until_done(ws, prompt_id)
            output = (await history_of(http, prompt_id))["outputs"]["9"]["images"][0]
            images.append((await view_image(http, output)).tobytes())
    assert images[0] != images[1] and images[0] == images[2]


async def test_saved_pngs_carry_the_graph_in_their_text_chunks_and_count_up(comfy):
    async with session(comfy) as (http, ws):
        for _ in range(2):
            prompt_id = await submit(http, txt2img(prefix="bot"))
            await until_done(ws, prompt_id)
        picture = await view_image(http, {"filename": "bot_00002_.png", "type": "output"})
    assert json.loads(picture.text["prompt"]) == txt2img(prefix="bot")


async def test_events_go_only_to_the_socket_whose_client_id_owns_the_prompt(comfy):
    async with session(comfy, "owner") as (http, owner), session(comfy, "bystander") as (_, bystander):
        prompt_id = await submit(http, txt2img(), client_id="owner")
        await until_done(owner, prompt_id)
        seen = [message["type"] async for message in drain(bystander)]
    assert set(seen) == {"status"}


async def test_reconnecting_with_the_same_client_id_replaces_the_old_socket_and_resends_the_running_node(comfy):
    comfy.hang_node("KSampler")
    async with session(comfy) as (http, old):
        prompt_id = await submit(http, txt2img())
        await until_event(old, "executing", node="3")
        async with websockets.connect(ws_url(comfy, CLIENT)) as new:
            assert (await recv_json(new))["data"]["sid"] == CLIENT
            assert await recv_json(new) == {"type": "executing", "data": {"node": "3"}}
            await http.post("/interrupt", json={})
            events = await until_done(new, prompt_id)
            left_for_old = [message["type"] async for message in drain(old)]
    assert "execution_interrupted" in [e["type"] for e in events]
    assert left_for_old == []  # not even broadcasts: the server forgot the old socket


# --- validation -------------------------------------------------------------------------------

async def post_prompt(comfy, body) -> httpx.Response:
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        return await http.post("/prompt", json=body)


async def test_a_body_without_prompt_is_rejected_as_no_prompt(comfy):
    response = await post_prompt(comfy, {"client_id": CLIENT})
    assert response.status_code == 400
    assert response.json() == {"error": {"type": "no_prompt", "message": "No prompt provided",
                                         "details": "No prompt provided", "extra_info": {}}, "node_errors": {}}


async def test_an_unknown_class_type_is_an_invalid_prompt(comfy):
    response = await post_prompt(comfy, {"prompt": {"1": {"class_type": "NoSuchNode", "inputs": {}}}})
    assert response.status_code == 400
    assert response.json() == {"error": {"type": "invalid_prompt",
                                         "message": "Cannot execute because node NoSuchNode does not exist.",
                                         "details": "Node ID '#1'", "extra_info": {}}, "node_errors": {}}


async def test_a_graph_without_an_output_node_has_no_outputs(comfy):
    graph = {"1": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}}}
    response = await post_prompt(comfy, {"prompt": graph})
    assert response.status_code == 400
    assert response.json()["error"] == {"type": "prompt_no_outputs", "message": "Prompt has no outputs",
                                        "details": "", "extra_info": {}}


async def test_a_missing_required_input_on_the_output_node_is_named_in_the_details(comfy):
    graph = txt2img()
    del graph["9"]["inputs"]["images"]
    body = (await post_prompt(comfy, {"prompt": graph})).json()
    assert body["error"] == {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
                             "details": "Required input is missing: images", "extra_info": {}}
    assert body["node_errors"] == {"9": {
        "errors": [{"type": "required_input_missing", "message": "Required input is missing", "details": "images",
                    "extra_info": {"input_name": "images"}}],
        "dependent_outputs": ["9"], "class_type": "SaveImage"}}


@pytest.mark.parametrize(("node", "field", "value", "kind", "message"), [
    ("5", "width", 8, "value_smaller_than_min", "Value 8 smaller than min of 16"),
    ("3", "steps", 10001, "value_bigger_than_max", "Value 10001 bigger than max of 10000"),
    ("3", "denoise", 1.5, "value_bigger_than_max", "Value 1.5 bigger than max of 1.0"),
])
async def test_numbers_outside_their_declared_bounds_are_reported_per_node(comfy, node, field, value, kind, message):
    graph = txt2img()
    graph[node]["inputs"][field] = value
    response = await post_prompt(comfy, {"prompt": graph})
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["details"] == ""  # the failing node is upstream of the output
    [error] = body["node_errors"][node]["errors"]
    assert (error["type"], error["message"], error["details"]) == (kind, message, field)
    assert error["extra_info"]["input_name"] == field and error["extra_info"]["received_value"] == value
    assert body["node_errors"][node]["dependent_outputs"] == ["9"]


async def test_a_checkpoint_that_is_not_installed_is_not_in_the_list(comfy):
    body = (await post_prompt(comfy, {"prompt": txt2img(ckpt="any.safetensors")})).json()
    assert body["node_errors"]["4"] == {"errors": [{
        "type": "value_not_in_list", "message": "Value not in list",
        "details": "ckpt_name: 'any.safetensors' not in ['sd15.safetensors']",
        "extra_info": {"input_name": "ckpt_name", "received_value": "any.safetensors",
                       "input_config": [["sd15.safetensors"],
                                        {"tooltip": "The name of the checkpoint (model) to load."}]}}],
        "dependent_outputs": ["9"], "class_type": "CheckpointLoaderSimple"}


async def test_load_image_of_a_file_never_uploaded_fails_custom_validation(comfy):
    graph = {"1": {"class_type": "LoadImage", "inputs": {"image": "nope.png"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}
    body = (await post_prompt(comfy, {"prompt": graph})).json()
    assert body["node_errors"]["1"]["errors"] == [{
        "type": "custom_validation_failed", "message": "Custom validation failed for node",
        "details": "image - Invalid image file: nope.png", "extra_info": {"input_name": "image"}}]


async def test_a_link_to_a_missing_node_is_an_exception_during_validation(comfy):
    graph = txt2img()
    graph["9"]["inputs"]["images"] = ["99", 0]
    body = (await post_prompt(comfy, {"prompt": graph})).json()
    [error] = body["node_errors"]["9"]["errors"]
    assert (error["type"], error["message"], error["details"]) == \
        ("exception_during_validation", "Exception when validating node", "'99'")
    assert error["extra_info"]["exception_type"] == "KeyError" and isinstance(error["extra_info"]["traceback"], list)


async def test_a_folder_that_is_not_under_input_is_not_in_the_list(comfy):
    graph = {"1": {"class_type": "LoadImageDataSetFromFolder", "inputs": {"folder": "nowhere"}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
    body = (await post_prompt(comfy, {"prompt": graph})).json()
    assert body["node_errors"]["1"]["errors"][0]["details"] == "folder: 'nowhere' not in []"


async def test_a_recorded_node_type_the_stand_in_cannot_run_is_accepted_then_fails_plainly(comfy):
    async with session(comfy) as (http, ws):
        await submit(http, {"1": {"class_type": "PrimitiveString", "inputs": {"value": "hello"}},
                            "2": {"class_type": "StringConcatenate",
                                  "inputs": {"string_a": ["1", 0], "string_b": "!", "delimiter": ""}},
                            "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}})
        error = (await until_event(ws, "execution_error"))["data"]
    assert error["exception_type"] == "NotImplementedError" and "cannot execute" in error["exception_message"]


async def test_malformed_json_gets_a_plain_text_500(comfy):
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        response = await http.post("/prompt", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 500
    assert response.text == "500 Internal Server Error\n\nServer got itself in trouble"


# --- interrupt, queue, history ----------------------------------------------------------------

async def test_interrupt_stops_sampling_at_the_next_step_and_history_says_error(comfy):
    comfy.step_delay = 0.02
    async with session(comfy) as (http, ws):
        prompt_id = await submit(http, txt2img(steps=500))
        await until_event(ws, "progress", node="3")
        assert (await http.post("/interrupt", json={"prompt_id": prompt_id})).status_code == 200
        events = await until_done(ws, prompt_id)
        entry = await history_of(http, prompt_id)
    [interrupted] = [e["data"] for e in events if e["type"] == "execution_interrupted"]
    assert (interrupted["node_id"], interrupted["node_type"]) == ("3", "KSampler")
    assert sorted(interrupted["executed"]) == ["4", "5", "6", "7"]
    assert len([e for e in events if e["type"] == "progress"]) < 500
    assert entry["status"]["status_str"] == "error" and entry["status"]["completed"] is False
    assert entry["status"]["messages"][-1][0] == "execution_interrupted" and entry["outputs"] == {}


async def test_the_queue_lists_running_and_pending_prompts_and_deletes_pending_ones(comfy):
    comfy.hang_node("KSampler")
    async with session(comfy) as (http, ws):
        first = await submit(http, txt2img())
        await until_event(ws, "executing", node="3")
        second = await submit(http, txt2img(seed=2))
        queue = (await http.get("/queue")).json()
        assert [item[1] for item in queue["queue_running"]] == [first]
        assert [item[1] for item in queue["queue_pending"]] == [second]
        assert queue["queue_pending"][0][3] == {"client_id": CLIENT} and queue["queue_pending"][0][4] == ["9"]
        assert (await http.get("/prompt")).json() == {"exec_info": {"queue_remaining": 2}}
        await http.post("/queue", json={"delete": [second]})
        assert (await http.get("/queue")).json()["queue_pending"] == []
        await http.post("/interrupt", json={"prompt_id": "not-running"})
        await asyncio.sleep(0.1)
        assert (await http.get(f"/history/{first}")).json() == {}
        await http.post("/interrupt")
        await until_done(ws, first)
        assert (await http.get(f"/history/{second}")).json() == {}


async def test_history_can_be_paged_deleted_and_cleared(comfy):
    async with session(comfy) as (http, ws):
        ids = []
        for seed in range(3):
            ids.append(await submit(http, txt2img(seed=seed)))
            await until_done(ws, ids[-1])
        assert list((await http.get("/history")).json()) == ids
        assert list((await http.get("/history", params={"max_items": 2})).json()) == ids[1:]
        await http.post("/history", json={"delete": [ids[0]]})
        assert list((await http.get("/history")).json()) == ids[1:]
        await http.post("/history", json={"clear": True})
        assert (await http.get("/history")).json() == {}


# --- files ------------------------------------------------------------------------------------

async def test_an_uploaded_image_feeds_load_image_and_comes_back_scaled(comfy):
    async with session(comfy) as (http, ws):
        uploaded = await upload(http, "pet.png", png_bytes((40, 30)), subfolder="mine")
        assert uploaded == {"name": "pet.png", "subfolder": "mine", "type": "input"}
        graph = {"1": {"class_type": "LoadImage", "inputs": {"image": "mine/pet.png"}},
                 "2": {"class_type": "ImageScaleBy",
                       "inputs": {"image": ["1", 0], "upscale_method": "bilinear", "scale_by": 2.0}},
                 "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "scaled"}}}
        prompt_id = await submit(http, graph)
        await until_done(ws, prompt_id)
        output = (await history_of(http, prompt_id))["outputs"]["3"]["images"][0]
        picture = await view_image(http, output)
        original = await view_image(http, {"filename": "pet.png", "subfolder": "mine", "type": "input"})
    assert picture.size == (80, 60) and picture.getpixel((5, 5)) == (10, 200, 30)
    assert original.size == (40, 30) and comfy.uploads == 1


async def test_uploads_keep_the_name_for_same_content_and_rename_on_conflict(comfy):
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        first = await upload(http, "a.png", png_bytes(color=(1, 2, 3)))
        same = await upload(http, "a.png", png_bytes(color=(1, 2, 3)))
        other = await upload(http, "a.png", png_bytes(color=(9, 9, 9)))
        replaced = await upload(http, "a.png", png_bytes(color=(7, 7, 7)), overwrite="true")
        caption = await upload(http, "a.txt", b"a caption")
        missing = await http.post("/upload/image", data={"type": "input"}, files={"other": ("x", b"x")})
        listed = (await http.get("/object_info/LoadImage")).json()["LoadImage"]["input"]["required"]["image"]
    assert [first["name"], same["name"], other["name"], replaced["name"], caption["name"]] == \
        ["a.png", "a.png", "a (1).png", "a.png", "a.txt"]
    assert missing.status_code == 400
    assert listed == [["a (1).png", "a.png"], {"image_upload": True}]
    assert comfy.uploads == 5


async def test_view_refuses_escapes_and_reports_missing_files(comfy):
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        await upload(http, "ok.png", png_bytes())
        assert (await http.get("/view", params={"filename": "ok.png", "type": "input"})).status_code == 200
        assert (await http.get("/view", params={"filename": "ok.png [input]"})).status_code == 200
        assert (await http.get("/view", params={"filename": "../ok.png", "type": "input"})).status_code == 400
        assert (await http.get("/view", params={"filename": "/etc/passwd"})).status_code == 400
        escaping = {"filename": "ok.png", "subfolder": "../..", "type": "input"}
        assert (await http.get("/view", params=escaping)).status_code == 403
        assert (await http.get("/view", params={"filename": "absent.png"})).status_code == 404
        preview = await http.get("/view", params={"filename": "ok.png", "type": "input", "preview": "jpeg;80"})
    assert preview.headers["content-type"] == "image/jpeg"


async def test_model_upscaling_quadruples_the_size_and_reports_progress_per_tile(comfy):
    async with session(comfy) as (http, ws):
        await upload(http, "small.png", png_bytes((600, 100)))
        graph = {"1": {"class_type": "LoadImage", "inputs": {"image": "small.png"}},
                 "2": {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "4x.pth"}},
                 "3": {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["2", 0], "image": ["1", 0]}},
                 "4": {"class_type": "PreviewImage", "inputs": {"images": ["3", 0]}}}
        prompt_id = await submit(http, graph)
        events = await until_done(ws, prompt_id)
        output = (await history_of(http, prompt_id))["outputs"]["4"]["images"][0]
        picture = await view_image(http, output)
    assert output["type"] == "temp" and output["filename"].startswith("ComfyUI_temp_")
    assert picture.size == (2400, 400)
    assert [(e["data"]["value"], e["data"]["max"]) for e in events if e["type"] == "progress"] == [(1, 2), (2, 2)]


async def test_an_unknown_upscale_model_is_refused_at_validation_as_comfyui_0_8_checks_v3_combos(comfy):
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        await upload(http, "small.png", png_bytes())
        graph = {"1": {"class_type": "LoadImage", "inputs": {"image": "small.png"}},
                 "2": {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "8x.pth"}},
                 "3": {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["2", 0], "image": ["1", 0]}},
                 "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "up"}}}
        body = (await http.post("/prompt", json={"prompt": graph})).json()
    [error] = body["node_errors"]["2"]["errors"]
    assert (error["type"], error["details"]) == ("value_not_in_list", "model_name: '8x.pth' not in ['4x.pth']")


# --- training ---------------------------------------------------------------------------------

def training_graph(steps: int = 4) -> dict:
    """The shipped train_lora template's graph, for 32-pixel pictures."""
    graph = json.loads(pathlib.Path(__file__).resolve().parents[2].joinpath("templates", "train_lora.json").read_text())
    graph["2"]["inputs"]["folder"] = "dataset"
    graph["4"]["inputs"].update(steps=steps, rank=4, seed=7)
    graph["8"]["inputs"]["shorter_edge"] = 32
    graph["9"]["inputs"].update(width=32, height=32)
    return graph


async def test_a_training_graph_reports_each_step_and_writes_a_lora_that_becomes_a_selectable_lora(comfy):
    async with session(comfy) as (http, ws):
        for index, color in enumerate([(200, 0, 0), (0, 0, 200)]):
            await upload(http, f"img{index}.png", png_bytes((48, 32), color), subfolder="dataset")
            await upload(http, f"img{index}.txt", f"a photo of sks {index}".encode(), subfolder="dataset")
        prompt_id = await submit(http, training_graph(steps=4))
        events = await until_done(ws, prompt_id)
        entry = await history_of(http, prompt_id)
        lora = await http.get("/view", params={"filename": "ComfyUI_trained_lora_4_steps_00001_.safetensors",
                                               "subfolder": "loras", "type": "output"})
        plot = await view_image(http, entry["outputs"]["6"]["images"][0])
        listed = (await http.get("/models/loras")).json()

    assert [(e["data"]["value"], e["data"]["max"], e["data"]["node"]) for e in events if e["type"] == "progress"] == \
        [(1, 4, "4"), (2, 4, "4"), (3, 4, "4"), (4, 4, "4")]
    assert set(entry["outputs"]) == {"6"} and entry["status"]["status_str"] == "success"
    assert entry["outputs"]["6"]["animated"] == [False]
    [graph_image] = entry["outputs"]["6"]["images"]
    assert graph_image["type"] == "temp" and graph_image["filename"].startswith("ComfyUI_temp_")
    assert plot.size == (840, 520)
    assert listed == ["ComfyUI_trained_lora_4_steps_00001_.safetensors"]  # ComfyUI 0.8 lists output/loras too
    assert lora.status_code == 200 and lora.headers["content-type"] == "application/octet-stream"
    on_disk = pathlib.Path(comfy.dir("output"), "loras", "ComfyUI_trained_lora_4_steps_00001_.safetensors")
    assert on_disk.read_bytes() == lora.content
    header_size = struct.unpack("<Q", lora.content[:8])[0]
    header = json.loads(lora.content[8:8 + header_size])
    assert all(t["dtype"] == "BF16" and 4 in t["shape"] for t in header.values())
    assert len(lora.content) == 8 + header_size + max(t["data_offsets"][1] for t in header.values())


async def test_a_trained_lora_moved_into_models_loras_becomes_selectable(comfy):
    comfy.loras.append("ComfyUI_trained_lora_4_steps_00001_.safetensors")
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        assert (await http.get("/models/loras")).json() == ["ComfyUI_trained_lora_4_steps_00001_.safetensors"]
        info = (await http.get("/object_info/TrainLoraNode")).json()["TrainLoraNode"]
        assert (await http.get("/models/nonsense")).status_code == 404
    assert info["input"]["required"]["existing_lora"][1]["options"] == [comfy.loras[0], "[None]"]
    graph = txt2img()
    graph["10"] = {"class_type": "LoraLoader", "inputs": {"model": ["4", 0], "clip": ["4", 1], "strength_model": 0.8,
                                                          "strength_clip": 1.0, "lora_name": comfy.loras[0]}}
    graph["3"]["inputs"]["model"] = ["10", 0]
    assert (await post_prompt(comfy, {"prompt": graph})).status_code == 200


# --- the rest of the API ----------------------------------------------------------------------

async def test_object_info_is_the_recorded_catalogue_with_the_stand_ins_models_and_inputs(comfy):
    recorded = json.loads(RECORDED.joinpath("object_info.json").read_text())
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        await upload(http, "mine.png", png_bytes(), subfolder="")
        info = (await http.get("/object_info")).json()
        one = (await http.get("/object_info/KSampler")).json()
        none = (await http.get("/object_info/Nope")).json()
    assert set(info) == set(recorded) and info["KSampler"] == recorded["KSampler"]
    assert info["CheckpointLoaderSimple"]["input"]["required"]["ckpt_name"][0] == ["sd15.safetensors"]
    assert info["LoadImage"]["input"]["required"]["image"][0] == ["mine.png"]
    assert info["UpscaleModelLoader"]["input"]["required"]["model_name"][1]["options"] == ["4x.pth"]
    assert info["LoraLoader"]["input"]["required"]["lora_name"][0] == []
    assert one == {"KSampler": info["KSampler"]} and none == {}


async def test_the_recording_still_holds_the_lists_the_stand_in_replaces():
    """Re-recording with other inputs or models must update recorded.LIVE_LISTS, or the lists above go stale."""
    from tests.standins.comfyui.recorded import LIVE_LISTS
    recorded = json.loads(RECORDED.joinpath("object_info.json").read_text())
    assert recorded["CheckpointLoaderSimple"]["input"]["required"]["ckpt_name"][0] == LIVE_LISTS[0][0]
    assert recorded["LoraLoader"]["input"]["required"]["lora_name"][0] == LIVE_LISTS[1][0]
    assert recorded["LoadImage"]["input"]["required"]["image"][0] == LIVE_LISTS[2][0]
    assert recorded["LoadImageTextDataSetFromFolder"]["input"]["required"]["folder"][1]["options"] == LIVE_LISTS[3][0]


async def test_system_stats_features_and_every_route_under_api_answer_like_comfyui(comfy):
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        stats = (await http.get("/api/system_stats")).json()
        features = (await http.get("/features")).json()
        prompt = await http.post("/api/prompt", json={"prompt": txt2img(), "client_id": CLIENT})
        async with websockets.connect(ws_url(comfy, "via-api", prefix="/api")) as ws:
            assert (await recv_json(ws))["data"]["sid"] == "via-api"
        entry = await history_of(http, prompt.json()["prompt_id"])
    assert stats["system"]["comfyui_version"] == "0.8.0" and stats["devices"][0]["type"] == "cpu"
    assert set(stats["system"]) >= {"os", "ram_total", "ram_free", "python_version", "pytorch_version", "argv"}
    assert features == {"supports_preview_metadata": True, "max_upload_size": 104857600,
                        "extension": {"manager": {"supports_v4": True}}}
    assert entry["status"]["completed"] is True


async def test_a_socket_without_client_id_gets_a_fresh_sid_and_feature_flags_are_answered(comfy):
    async with websockets.connect(f"ws://127.0.0.1:{comfy.port}/ws") as ws:
        hello = await recv_json(ws)
        await ws.send(json.dumps({"type": "feature_flags", "data": {"supports_preview_metadata": True}}))
        flags = await recv_json(ws)
    assert len(hello["data"]["sid"]) == 32
    assert flags == {"type": "feature_flags", "data": {"supports_preview_metadata": True, "max_upload_size": 104857600,
                                                       "extension": {"manager": {"supports_v4": True}}}}


# --- fault knobs ------------------------------------------------------------------------------

async def test_fail_next_submit_answers_the_scripted_400_once_and_still_counts_the_prompt(comfy):
    scripted = {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
                          "details": "", "extra_info": {}},
                "node_errors": {"9": {"errors": [], "dependent_outputs": ["9"], "class_type": "SaveImage"}}}
    comfy.fail_next_submit(scripted)
    first = await post_prompt(comfy, {"prompt": txt2img(seed=1)})
    second = await post_prompt(comfy, {"prompt": txt2img(seed=2)})
    assert (first.status_code, first.json()) == (400, scripted)
    assert second.status_code == 200
    assert comfy.prompts_received == 2
    assert [g["3"]["inputs"]["seed"] for g in comfy.received_graphs] == [1, 2]


async def test_fail_node_makes_an_execution_error_with_the_reference_fields(comfy):
    comfy.fail_node("VAEDecode", "decoder exploded")
    async with session(comfy) as (http, ws):
        prompt_id = await submit(http, txt2img())
        events = await until_done(ws, prompt_id)
        entry = await history_of(http, prompt_id)
    [error] = [e["data"] for e in events if e["type"] == "execution_error"]
    assert [e["type"] for e in events[-3:]] == ["execution_error", "status", "executing"]
    assert set(error) == {"prompt_id", "node_id", "node_type", "executed", "exception_message", "exception_type",
                          "traceback", "current_inputs", "current_outputs", "timestamp"}
    assert (error["node_id"], error["node_type"], error["exception_type"]) == ("8", "VAEDecode", "RuntimeError")
    assert error["exception_message"] == "decoder exploded\n" and set(error["current_inputs"]) == {"samples", "vae"}
    assert sorted(error["executed"]) == ["3", "4", "5", "6", "7"]
    assert entry["status"]["status_str"] == "error" and entry["status"]["messages"][-1][0] == "execution_error"


async def test_hang_node_never_finishes_until_interrupted(comfy):
    comfy.hang_node("SaveImage")
    async with session(comfy) as (http, ws):
        prompt_id = await submit(http, txt2img())
        await until_event(ws, "executing", node="9")
        with pytest.raises(TimeoutError):
            await until_event(ws, "executing", timeout=0.3, node=None)
        await http.post("/interrupt", json={})
        events = await until_done(ws, prompt_id)
    assert [e["data"]["node_type"] for e in events if e["type"] == "execution_interrupted"] == ["SaveImage"]


async def test_drop_sockets_cuts_websockets_while_http_keeps_working(comfy):
    async with session(comfy) as (http, ws):
        comfy.drop_sockets()
        with pytest.raises(websockets.ConnectionClosedError):
            await recv_json(ws, timeout=5)
        assert (await http.get("/system_stats")).status_code == 200
        async with websockets.connect(ws_url(comfy, CLIENT)) as again:
            assert (await recv_json(again))["data"]["sid"] == CLIENT
            prompt_id = await submit(http, txt2img())
            await until_done(again, prompt_id)


async def test_crash_stops_answering_and_restart_comes_back_empty_on_the_same_port(comfy):
    url = comfy.url
    async with session(comfy) as (http, ws):
        finished = await submit(http, txt2img(prefix="kept"))
        await until_done(ws, finished)
        comfy.hang_node("KSampler")
        running = await submit(http, txt2img(seed=3))
        await until_event(ws, "executing", node="3")
        await comfy.crash()
        with pytest.raises(websockets.ConnectionClosedError):
            await recv_json(ws, timeout=5)
        with pytest.raises(httpx.ConnectError):
            await http.get("/history")
    comfy.clear_faults()
    await comfy.restart()
    async with session(comfy) as (http, ws):
        assert comfy.url == url
        assert (await http.get("/history")).json() == {}
        assert (await http.get("/queue")).json() == {"queue_running": [], "queue_pending": []}
        assert (await http.get(f"/history/{running}")).json() == {}
        await view_image(http, {"filename": "kept_00001_.png", "type": "output"})
        again = (await http.post("/prompt", json={"prompt": txt2img(), "client_id": CLIENT})).json()
        assert again["number"] == 0  # the queue counter starts over, like a restarted ComfyUI
        await until_done(ws, again["prompt_id"])


@pytest.mark.parametrize("kind", ["non_json", "wrong_shape", "http_500"])
async def test_garbage_modes_make_every_http_route_answer_nonsense_until_switched_off(comfy, kind):
    comfy.garbage_mode(kind)
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        answers = [await http.get("/history"), await http.post("/prompt", json={"prompt": txt2img()}),
                   await http.get("/api/system_stats")]
        comfy.garbage_mode(None)
        healthy = await http.get("/history")
    for answer in answers:
        if kind == "http_500":
            assert answer.status_code == 500
        elif kind == "non_json":
            assert answer.status_code == 200
            with pytest.raises(json.JSONDecodeError):
                answer.json()
        else:
            assert answer.json() == ["wrong", "shape"]
    assert healthy.json() == {} and comfy.prompts_received == 0


async def test_ws_never_closes_withholds_the_end_of_a_prompt_while_history_still_fills(comfy):
    comfy.garbage_mode("ws_never_closes")
    async with session(comfy) as (http, ws):
        prompt_id = await submit(http, txt2img())
        entry = await history_of(http, prompt_id)
        seen = [message async for message in drain(ws, quiet=0.3)]
    kinds = [m["type"] for m in seen]
    assert "executed" in kinds and "execution_success" not in kinds
    assert not [m for m in seen if m["type"] == "executing" and m["data"]["node"] is None]
    assert entry["status"]["status_str"] == "success"


async def test_step_delay_and_node_delay_slow_a_run_down(comfy):
    async with session(comfy) as (http, ws):
        started = time.monotonic()
        await until_done(ws, await submit(http, txt2img(steps=2)))
        quick = time.monotonic() - started
        comfy.step_delay, comfy.node_delay = 0.1, 0.05
        started = time.monotonic()
        await until_done(ws, await submit(http, txt2img(steps=2)))
        slow = time.monotonic() - started
    assert slow >= 2 * 0.1 + 7 * 0.05 > quick


async def test_stop_closes_open_websockets_with_going_away():
    standin = ComfyUIStandin()
    await standin.start()
    base_dir = standin.base_dir
    try:
        async with websockets.connect(ws_url(standin, CLIENT)) as ws:
            await recv_json(ws)
            await asyncio.wait_for(standin.stop(), 5)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await recv_json(ws, timeout=5)
    finally:
        await standin.stop()
    assert closed.value.rcvd.code == 1001
    assert not os.path.exists(base_dir)


async def test_the_module_runs_standalone_on_a_chosen_port(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.standins.comfyui", "--port", str(port), "--base-dir", str(tmp_path),
        cwd=str(pathlib.Path(__file__).parents[2]), stdout=asyncio.subprocess.PIPE)
    try:
        banner = await asyncio.wait_for(process.stdout.readline(), 30)
        assert f"http://127.0.0.1:{port}" in banner.decode()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            assert (await http.get("/models/checkpoints")).json() == ["sd15.safetensors"]
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 10)
    assert (tmp_path / "output").is_dir()
