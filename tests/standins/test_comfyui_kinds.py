"""The stand-in makes real animations, videos and text: the files and history ComfyUI 0.8 makes, and the custom
node packs only where they are installed."""
from __future__ import annotations

import io
import json
import os
import pathlib

import av
import httpx
import pytest
from PIL import Image

from tests.standins.comfyui import ComfyUIStandin
from tests.standins.comfyui.recordings.record import png
from tests.standins.comfyui.recordings.workflows import RUNS, node

ROOT = pathlib.Path(__file__).resolve().parents[2]


async def run(comfy: ComfyUIStandin, graph: dict) -> dict:
    """POST the graph and wait (bounded) for its history entry."""
    async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        answer = await http.post("/prompt", json={"prompt": graph})
        assert answer.status_code == 200, answer.text
        prompt_id = answer.json()["prompt_id"]
        for _ in range(500):
            history = (await http.get(f"/history/{prompt_id}")).json()
            if prompt_id in history:
                return history[prompt_id]
            await __import__("asyncio").sleep(0.02)
    raise AssertionError("the prompt never finished")


def output_file(comfy: ComfyUIStandin, entry: dict) -> bytes:
    [ui] = entry["outputs"].values()
    [saved] = ui["images"]
    return pathlib.Path(comfy.dir("output"), saved["subfolder"], saved["filename"]).read_bytes()


async def test_an_animated_webp_has_every_frame_and_the_workflow_in_its_exif(tmp_path):
    async with ComfyUIStandin(str(tmp_path)) as comfy:
        entry = await run(comfy, RUNS["animated_webp"]["graph"])
        data = output_file(comfy, entry)
    assert entry["outputs"]["4"]["animated"] == [True]
    with Image.open(io.BytesIO(data)) as picture:
        # two red frames then two blue: the encoder merges repeated frames (Pillow does for ComfyUI too)
        assert (picture.format, picture.n_frames, picture.size) == ("WEBP", 2, (64, 64))
        assert picture.getexif()[0x0110].startswith("prompt:")


async def test_an_animated_png_keeps_the_workflow_in_comf_chunks_after_the_frames(tmp_path):
    async with ComfyUIStandin(str(tmp_path)) as comfy:
        data = output_file(comfy, await run(comfy, RUNS["animated_png"]["graph"]))
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.n_frames >= 2
    assert b"acTL" in data and data.index(b"comf") > data.index(b"IDAT")


async def test_a_webm_is_a_real_vp9_video_with_the_prompt_in_its_metadata(tmp_path):
    async with ComfyUIStandin(str(tmp_path)) as comfy:
        entry = await run(comfy, RUNS["webm"]["graph"])
        data = output_file(comfy, entry)
    assert entry["outputs"]["4"]["images"][0]["filename"].endswith(".webm")
    with av.open(io.BytesIO(data)) as container:
        frames = [frame.to_image() for frame in container.decode(video=0)]
        assert "prompt" in {key.lower() for key in container.metadata}  # Matroska tags read back upper-case
    assert len(frames) == 4 and frames[0].size == (64, 64)
    assert frames[0].getpixel((32, 32))[0] > 150 and frames[3].getpixel((32, 32))[2] > 150  # red, then blue


async def test_preview_any_shows_a_string_as_text_in_history(tmp_path):
    async with ComfyUIStandin(str(tmp_path)) as comfy:
        entry = await run(comfy, RUNS["preview_any"]["graph"])
    assert entry["outputs"] == {"2": {"text": ["a caption from a node"]}}


def florence(image: str) -> dict:
    return {"1": node("LoadImage", image=image),
            "2": node("DownloadAndLoadFlorence2Model", model="microsoft/Florence-2-base", precision="fp16",
                      attention="sdpa"),
            "3": node("Florence2Run", image=["1", 0], florence2_model=["2", 0], text_input="", task="caption",
                      fill_mask=False),
            "4": node("PreviewAny", source=["3", 2])}


async def test_a_pack_node_is_unknown_to_a_worker_without_the_pack(tmp_path):
    async with ComfyUIStandin(str(tmp_path)) as comfy, httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
        answer = await http.post("/prompt", json={"prompt": florence("x.png")})
        info = (await http.get("/object_info/Florence2Run")).json()
    assert answer.status_code == 400 and "does not exist" in answer.json()["error"]["message"]
    assert info == {}


async def test_florence2_describes_the_pictures_own_colours(tmp_path):
    async with ComfyUIStandin(str(tmp_path), packs=("florence2",)) as comfy:
        async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
            for name, colour in (("red.png", (230, 20, 20)), ("blue.png", (20, 20, 230))):
                await http.post("/upload/image", files={"image": (name, png(64, colour))})
        red, blue = [(await run(comfy, florence(name)))["outputs"]["4"]["text"][0] for name in ("red.png", "blue.png")]
    assert "red" in red and "blue" in blue and red != blue


async def test_the_llm_pack_offers_the_workers_gguf_files_and_widens_a_prompt(tmp_path):
    os.makedirs(tmp_path / "models" / "llm_gguf")
    (tmp_path / "models" / "llm_gguf" / "mine.gguf").write_bytes(b"GGUF")
    async with ComfyUIStandin(str(tmp_path), packs=("searge_llm",)) as comfy:
        async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
            info = (await http.get("/object_info/Searge_LLM_Node")).json()
        graph = json.loads((ROOT / "templates" / "assist.json").read_text())
        graph["1"]["inputs"].update(text="a fox", model="mine.gguf")
        entry = await run(comfy, graph)
    assert info["Searge_LLM_Node"]["input"]["required"]["model"][0] == ["Llama-3.2-3B-Instruct-Q4_K_M.gguf",
                                                                        "mine.gguf"]
    [text] = entry["outputs"]["2"]["text"]
    assert text.startswith("a fox, ") and len(text) > len("a fox, ") + 10


@pytest.mark.parametrize("colour", [(255, 0, 0), (0, 0, 255)])
async def test_the_shipped_animate_template_makes_a_four_frame_loop_of_the_picture(tmp_path, colour):
    async with ComfyUIStandin(str(tmp_path)) as comfy:
        async with httpx.AsyncClient(base_url=comfy.url, timeout=10) as http:
            await http.post("/upload/image", files={"image": ("in.png", png(48, colour))})
        graph = json.loads((ROOT / "templates" / "animate.json").read_text())
        graph["1"]["inputs"]["image"] = "in.png"
        data = output_file(comfy, await run(comfy, graph))
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.n_frames == 4 and picture.size == (48, 48)
        picture.seek(0)
        first = picture.convert("RGB").getpixel((24, 24))
    assert max(range(3), key=lambda c: first[c]) == max(range(3), key=lambda c: colour[c])
