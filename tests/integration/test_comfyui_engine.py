"""ComfyUIEngine against the protocol-faithful ComfyUI stand-in on 127.0.0.1: real HTTP, real websockets."""
import asyncio
import io
import json
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from adapters.comfyui import ComfyUIEngine
from adapters.templates.folder import load_templates
from domain.errors import EngineRejected
from domain.jobs import Job, JobState
from domain.workflows.requests import lora_output, lora_prefix
from ports.engine import EngineUnavailable, UploadFile
from tests.standins.comfyui import ComfyUIStandin

pytestmark = pytest.mark.timeout(30)
SHIPPED = Path(__file__).resolve().parents[2] / "templates"
TIMEOUT = 2.0


@pytest.fixture
async def comfy():
    async with ComfyUIStandin(checkpoints=["sd15.safetensors"], loras=["style.safetensors"],
                              upscale_models=["RealESRGAN_x4plus.pth"], step_delay=0.005,
                              packs=("florence2", "searge_llm")) as server:
        yield server


@pytest.fixture
async def engine(comfy):
    engine = ComfyUIEngine(comfy.url, timeout=TIMEOUT, poll_interval=0.1)
    yield engine
    await engine.close()


@pytest.fixture(scope="module")
def templates():
    return {t.name: t for t in load_templates(SHIPPED)}


def txt2img(templates, **values) -> dict:
    template = templates["txt2img"]
    return template.render(template.spec.validate({"prompt": "a lighthouse", "width": 256, "height": 256,
                                                   "steps": 3, "seed": 7, **values}))


def png(size=(64, 48), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


async def run(engine, prompt_id: str) -> list:
    return [event async for event in engine.follow(prompt_id)]


async def until(engine, prompt_id: str, kind: str):
    """Follow until the first event of `kind`; the rest of the follow is left to the caller."""
    async for event in engine.follow(prompt_id):
        if event.kind == kind:
            return event
    raise AssertionError(f"{prompt_id} ended without a {kind} event")


async def test_txt2img_runs_to_success_and_its_png_can_be_fetched(engine, templates):
    await engine.submit("p-cat", txt2img(templates, batch_size=2), ())
    events = await run(engine, "p-cat")
    assert [e.kind for e in events][0] == "running" and events[-1].kind == "succeeded"
    assert [o.node for o in events[-1].outputs] == ["9", "9"]
    data = await engine.fetch(events[-1].outputs[0])
    assert Image.open(io.BytesIO(data)).size == (256, 256)


async def test_the_saved_images_are_told_as_they_are_saved_before_the_prompt_ends(engine, templates):
    await engine.submit("p-saved", txt2img(templates, batch_size=2), ())
    events = await run(engine, "p-saved")
    saved = [e for e in events if e.kind == "output"]
    assert len(saved) == 1 and events.index(saved[0]) < len(events) - 1
    assert saved[0].outputs == events[-1].outputs and len(saved[0].outputs) == 2


async def test_progress_events_count_the_sampler_steps(engine, templates):
    await engine.submit("p-steps", txt2img(templates, steps=6), ())
    progress = [e for e in await run(engine, "p-steps") if e.kind == "progress"]
    assert [(e.value, e.max) for e in progress] == [(step, 6) for step in range(1, 7)]
    assert progress[0].message == "node 3"


async def test_img2img_uploads_the_picture_then_redraws_it(engine, comfy, templates):
    template = templates["img2img"]
    values = template.spec.validate({"image": "stationthis/job1_image.png", "prompt": "a boat", "steps": 2})
    await engine.submit("p-edit", template.render(values), (UploadFile("stationthis", "job1_image.png", png()),))
    assert Path(comfy.dir("input"), "stationthis", "job1_image.png").read_bytes() == png()
    final = (await run(engine, "p-edit"))[-1]
    assert final.kind == "succeeded"
    assert Image.open(io.BytesIO(await engine.fetch(final.outputs[0]))).size == (64, 48)


@pytest.mark.parametrize("node, name, value, says", [
    ("3", "steps", 0, "KSampler steps: Value 0 smaller than min of 1"),
    ("3", "cfg", 1000, "KSampler cfg: Value 1000.0 bigger than max of 100.0"),
    ("3", "sampler_name", "bogus", "KSampler sampler_name: 'bogus' not in (list of length"),
    ("9", "images", None, "SaveImage: the required input 'images' is missing"),
])
async def test_a_refused_graph_raises_engine_rejected_naming_node_and_parameter(
        engine, comfy, templates, node, name, value, says):
    graph = txt2img(templates)
    graph[node]["inputs"][name] = value
    if value is None:
        del graph[node]["inputs"][name]
    with pytest.raises(EngineRejected) as refused:
        await engine.submit("p-bad", graph, ())
    assert str(refused.value).startswith(says)
    assert (await engine.status("p-bad")).state == "unknown"


async def test_a_picture_that_was_not_uploaded_is_named_in_the_rejection(engine, templates):
    template = templates["img2img"]
    graph = template.render(template.spec.validate({"image": "stationthis/nope.png", "prompt": "p"}))
    with pytest.raises(EngineRejected, match=r"^LoadImage image: Invalid image file: stationthis/nope.png$"):
        await engine.submit("p-nope", graph, ())


async def test_a_missing_model_in_a_400_says_what_is_installed(engine, comfy, templates):
    comfy.fail_next_submit({"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed "
                                      "validation", "details": "", "extra_info": {}},
                            "node_errors": {"4": {"errors": [{
                                "type": "value_not_in_list", "message": "Value not in list",
                                "details": "ckpt_name: 'any.safetensors' not in []",
                                "extra_info": {"input_name": "ckpt_name", "input_config": [[], {}],
                                               "received_value": "any.safetensors"}}],
                                "dependent_outputs": ["9"], "class_type": "CheckpointLoaderSimple"}}})
    with pytest.raises(EngineRejected) as refused:
        await engine.submit("p-model", txt2img(templates), ())
    assert str(refused.value) == ("CheckpointLoaderSimple ckpt_name: 'any.safetensors' is not available; "
                                  "none are installed on this worker")


async def test_an_unknown_node_in_a_400_is_explained(engine, templates):
    graph = txt2img(templates)
    graph["8"]["class_type"] = "NoSuchNode"
    with pytest.raises(EngineRejected, match="Cannot execute because node NoSuchNode does not exist"):
        await engine.submit("p-nonode", graph, ())


async def test_a_graph_accepted_only_in_part_is_withdrawn_and_rejected(engine, comfy, templates):
    graph = txt2img(templates)
    graph["20"] = {"class_type": "SaveImage", "inputs": {"filename_prefix": "extra"}}
    with pytest.raises(EngineRejected, match=r"^SaveImage: the required input 'images' is missing$"):
        await engine.submit("p-part", graph, ())
    assert (await run(engine, "p-part"))[-1].kind == "cancelled"


async def test_a_runtime_error_ends_in_a_failed_event_naming_the_node(engine, comfy, templates):
    comfy.fail_node("VAEDecode", "CUDA out of memory")
    await engine.submit("p-oom", txt2img(templates), ())
    final = (await run(engine, "p-oom"))[-1]
    assert (final.kind, final.message) == ("failed", "node 8 (VAEDecode) failed: CUDA out of memory")
    status = await engine.status("p-oom")
    assert (status.state, status.message) == ("failed", final.message)


async def test_cancelling_a_running_prompt_interrupts_it(engine, comfy, templates):
    comfy.hang_node("KSampler")
    await engine.submit("p-hang", txt2img(templates), ())
    events = engine.follow("p-hang")
    assert (await anext(events)).kind == "running"
    await engine.cancel("p-hang")
    final = [e async for e in events][-1]
    assert (final.kind, final.message) == ("cancelled", "interrupted at node 3 (KSampler)")
    assert (await engine.status("p-hang")).state == "cancelled"


async def test_cancelling_a_queued_prompt_removes_it_from_the_queue(engine, comfy, templates):
    comfy.hang_node("KSampler")
    await engine.submit("p-first", txt2img(templates), ())
    await engine.submit("p-second", txt2img(templates, seed=8), ())
    assert (await engine.status("p-second")).state == "queued"
    await engine.cancel("p-second")
    assert (await run(engine, "p-second"))[-1].kind == "cancelled"
    assert (await engine.status("p-second")).state == "unknown"
    await engine.cancel("p-first")


async def test_status_tells_queued_running_succeeded_and_unknown(engine, comfy, templates):
    comfy.hang_node("KSampler")
    await engine.submit("p-a", txt2img(templates), ())
    await engine.submit("p-b", txt2img(templates, seed=9), ())
    await until(engine, "p-a", "running")
    assert [(await engine.status(p)).state for p in ("p-a", "p-b", "p-never")] == ["running", "queued", "unknown"]
    comfy.clear_faults()
    await engine.cancel("p-a")
    await run(engine, "p-b")
    done = await engine.status("p-b")
    assert done.state == "succeeded" and done.outputs[0].filename.endswith(".png")


async def test_following_a_prompt_that_already_finished_reports_its_end(engine, templates):
    await engine.submit("p-early", txt2img(templates), ())
    await run(engine, "p-early")
    assert [e.kind for e in await run(engine, "p-early")] == ["succeeded"]


async def test_one_socket_serves_several_followers_at_once(engine, comfy, templates):
    comfy.step_delay = 0.05  # slow enough that every follower is listening before its prompt runs
    for number in range(3):
        await engine.submit(f"p-many{number}", txt2img(templates, seed=number), ())
    results = await asyncio.gather(*(run(engine, f"p-many{n}") for n in range(3)))
    assert [r[-1].kind for r in results] == ["succeeded"] * 3
    assert all(any(e.kind == "progress" for e in r) for r in results)


async def test_a_dropped_socket_falls_back_to_polling_and_still_finishes(engine, comfy, templates):
    comfy.step_delay = 0.05
    await engine.submit("p-drop", txt2img(templates, steps=20), ())
    kinds = []
    async for event in engine.follow("p-drop"):
        kinds.append(event.kind)
        if event.kind == "progress" and event.value == 2:
            comfy.drop_sockets()
    assert kinds[-1] == "succeeded"


async def test_a_socket_that_never_reports_the_end_is_caught_by_polling(engine, comfy, templates):
    comfy.garbage_mode("ws_never_closes")
    await engine.submit("p-silent", txt2img(templates), ())
    assert (await run(engine, "p-silent"))[-1].kind == "succeeded"


async def test_a_crashed_worker_raises_engine_unavailable_within_the_timeout(engine, comfy, templates):
    comfy.hang_node("KSampler")
    await engine.submit("p-crash", txt2img(templates), ())
    events = engine.follow("p-crash")
    assert (await anext(events)).kind == "running"
    await comfy.crash()
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="stopped answering"):
        async for _ in events:
            pass
    assert time.monotonic() - started < TIMEOUT + 1.0


async def test_a_restarted_worker_that_lost_the_prompt_fails_it(engine, comfy, templates):
    comfy.hang_node("KSampler")
    await engine.submit("p-lost", txt2img(templates), ())
    events = engine.follow("p-lost")
    assert (await anext(events)).kind == "running"
    await comfy.restart()
    final = [e async for e in events][-1]
    assert final.kind == "failed" and "no longer knows" in final.message


async def test_a_worker_that_is_not_there_is_unavailable_not_a_crash():
    engine = ComfyUIEngine("http://127.0.0.1:9", timeout=0.5, poll_interval=0.1)
    try:
        assert not (await engine.health()).ok
        with pytest.raises(EngineUnavailable, match="did not answer"):
            await engine.submit("p-none", {}, ())
        with pytest.raises(EngineUnavailable):
            await run(engine, "p-none")
    finally:
        await engine.close()


@pytest.mark.parametrize("kind", ["non_json", "wrong_shape", "http_500"])
async def test_garbage_answers_raise_engine_unavailable_and_nothing_else(engine, comfy, templates, kind):
    await engine.submit("p-ok", txt2img(templates), ())
    output = (await run(engine, "p-ok"))[-1].outputs[0]
    comfy.garbage_mode(kind)
    health = await engine.health()
    assert not health.ok and health.message
    for attempt in (engine.submit("p-junk", txt2img(templates, seed=3), (UploadFile("x", "a.png", png()),)),
                    engine.submit("p-junk", txt2img(templates, seed=3), ()), engine.status("p-ok"),
                    engine.fetch(output), engine.cancel("p-ok"), engine.choices("checkpoints"),
                    engine.check(txt2img(templates)), run(engine, "p-ok")):
        with pytest.raises(EngineUnavailable):
            await attempt


async def test_a_400_that_is_not_json_is_unavailable_rather_than_a_rejection(comfy):
    engine = ComfyUIEngine(comfy.url + "/no-such-prefix", timeout=TIMEOUT)
    try:
        with pytest.raises(EngineUnavailable, match="HTTP 404"):
            await engine.submit("p-x", {}, ())
    finally:
        await engine.close()


async def test_the_training_template_produces_a_lora_file_fetchable_where_the_domain_expects_it(
        engine, comfy, templates):
    template = templates["train_lora"]
    job = Job(id="job42", user_id="u1", tool="train_lora", kind="training", price=120, state=JobState.QUEUED,
              created_at=0.0, updated_at=0.0, params=template.spec.validate({"dataset": "d1", "steps": 12, "seed": 1}))
    uploads = []
    for number, colour in enumerate(((255, 0, 0), (0, 255, 0), (0, 0, 255)), start=1):
        uploads.append(UploadFile("st_job42", f"{number:03d}.png", png((96, 80), colour)))
        uploads.append(UploadFile("st_job42", f"{number:03d}.txt", f"ohwx, picture {number}".encode()))
    graph = template.render({**job.params, "dataset": "st_job42"})
    graph[template.lora_file.node]["inputs"]["prefix"] = lora_prefix(job)
    assert await engine.check(graph) == []
    await engine.submit(job.id, graph, tuple(uploads))
    assert sorted(os.listdir(Path(comfy.dir("input"), "st_job42"))) == [
        "001.png", "001.txt", "002.png", "002.txt", "003.png", "003.txt"]
    final = (await run(engine, job.id))[-1]
    assert final.kind == "succeeded", final.message
    weights = await engine.fetch(lora_output(template, job))
    header = json.loads(weights[8:8 + int.from_bytes(weights[:8], "little")])
    assert any(name.endswith("lora_up.weight") for name in header)


async def test_check_flags_an_unknown_checkpoint_and_an_unknown_node_before_submission(engine, comfy, templates):
    graph = txt2img(templates, checkpoint="missing.safetensors")
    graph["12"] = {"class_type": "EvilNode", "inputs": {}}
    assert [(p.detail, p.model) for p in await engine.check(graph)] == [
        ("needs checkpoint 'missing.safetensors', which this worker lacks (allowed: sd15.safetensors)",
         "missing.safetensors"),
        ("node 12: this ComfyUI has no node type 'EvilNode' (a missing custom node?)", ""),
    ]
    assert comfy.prompts_received == 0


async def test_check_sees_a_model_installed_after_the_catalogue_was_read(engine, comfy, templates):
    graph = txt2img(templates, lora="fresh.safetensors")
    assert (await engine.check(graph))[0].model == "fresh.safetensors"
    comfy.loras.append("fresh.safetensors")
    assert await engine.check(graph) == []
    assert await engine.choices("loras") == ["fresh.safetensors", "style.safetensors"]


async def test_check_passes_uploaded_images_and_a_sampler_the_worker_offers(engine, templates):
    template = templates["img2img"]
    graph = template.render(template.spec.validate({"image": "inputs/u1/x.png", "prompt": "p"}))
    assert await engine.check(graph) == []


async def test_choices_and_health_describe_the_worker(engine, comfy):
    assert await engine.choices("checkpoints") == ["sd15.safetensors"]
    assert await engine.choices("upscale_models") == ["RealESRGAN_x4plus.pth"]
    health = await engine.health()
    assert (health.ok, health.queue_remaining, health.details["comfyui_version"]) == (True, 0, "0.8.0")
    assert engine.name == comfy.url


async def test_every_shipped_template_passes_the_check_against_the_workers_catalogue(engine, templates):
    for template in templates.values():
        assert await engine.check(template.render({p.name: p.default for p in template.spec.params})) == []


async def test_a_hostile_prompt_reaches_comfyui_verbatim_without_adding_nodes(engine, comfy, templates):
    hostile = '", "class_type": "Evil"}, "99": {"class_type": "SaveImage", "inputs": {}}} \\" 🐈'
    graph = txt2img(templates, prompt=hostile)
    await engine.submit("p-hostile", graph, ())
    [received] = comfy.received_graphs
    assert set(received) == set(graph) and received["6"]["inputs"]["text"] == hostile
    assert (await run(engine, "p-hostile"))[-1].kind == "succeeded"
