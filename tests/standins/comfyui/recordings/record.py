"""Re-record what a real ComfyUI answers (see README.md here): `python -m tests.standins.comfyui.recordings.record`."""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import uuid
from pathlib import Path

import httpx
from PIL import Image
from websockets.asyncio.client import connect

from tests.standins.comfyui.recordings.workflows import REJECTED, RUNS

HERE = Path(__file__).parent
RUN_TIMEOUT = 600


def png(size: int, colour: tuple[int, int, int]) -> bytes:
    picture = Image.radial_gradient("L").resize((size, size)).convert("RGB")
    picture = Image.blend(picture, Image.new("RGB", (size, size), colour), 0.5)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def save(name: str, body: object) -> None:
    path = HERE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n")


async def upload(http: httpx.AsyncClient, subfolder: str, name: str, data: bytes) -> None:
    answer = await http.post("/upload/image", files={"image": (name, data, "application/octet-stream")},
                             data={"subfolder": subfolder, "type": "input", "overwrite": "true"})
    answer.raise_for_status()


async def prepare_inputs(http: httpx.AsyncClient) -> None:
    """A small picture, a 16-pixel one (scaled to nothing: a run-time error) and a captioned dataset."""
    await upload(http, "", "st_record.png", png(64, (200, 40, 40)))
    await upload(http, "", "st_tiny.png", png(16, (40, 200, 40)))
    for number, colour in enumerate(((220, 30, 30), (30, 30, 220)), start=1):
        await upload(http, "st_record_dataset", f"{number:03d}.png", png(96, colour))
        await upload(http, "st_record_dataset", f"{number:03d}.txt", f"stcat, picture {number}".encode())


async def record_run(http: httpx.AsyncClient, url: str, name: str, run: dict) -> None:
    """POST the graph, keep every websocket message until the prompt ends, then its /history entry."""
    client_id, prompt_id = uuid.uuid4().hex, f"st-record-{name}"
    messages, frames = [], 0
    async with connect(f"ws{url.removeprefix('http')}/ws?clientId={client_id}", max_size=None) as ws:
        if run.get("preview_metadata"):
            await ws.send(json.dumps({"type": "feature_flags", "data": {"supports_preview_metadata": True}}))
        answer = await http.post("/prompt", json={"prompt": run["graph"], "client_id": client_id,
                                                  "prompt_id": prompt_id})
        if answer.status_code != 200:
            raise SystemExit(f"{name}: ComfyUI refused it: {answer.text[:2000]}")
        async with asyncio.timeout(RUN_TIMEOUT):
            async for frame in ws:
                if isinstance(frame, bytes):
                    frames += 1
                    (HERE / "frames").mkdir(exist_ok=True)
                    (HERE / "frames" / f"{name}_{frames:02d}.bin").write_bytes(frame)
                    messages.append({"binary": f"frames/{name}_{frames:02d}.bin"})
                    continue
                message = json.loads(frame)
                messages.append(message)
                data = message.get("data") or {}
                if run.get("interrupt_at") and message["type"] == "progress" and data["value"] == run["interrupt_at"]:
                    await http.post("/interrupt", json={"prompt_id": prompt_id})
                if message["type"] == "executing" and data.get("node") is None and data.get("prompt_id") == prompt_id:
                    break
    history = (await http.get(f"/history/{prompt_id}")).json()
    save(f"runs/{name}.json", {"graph": run["graph"], "prompt_id": prompt_id, "accepted": answer.json(),
                               "messages": messages, "history": history[prompt_id]})
    print(f"{name}: {len(messages)} messages ({frames} binary), {history[prompt_id]['status']['status_str']}")


async def main(url: str, only: list[str]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        save("system_stats.json", (await http.get("/system_stats")).json())
        await prepare_inputs(http)
        for name, graph in REJECTED.items():
            answer = await http.post("/prompt", json={"prompt": graph, "client_id": "st-record"})
            save(f"rejected/{name}.json", {"graph": graph, "status": answer.status_code, "answer": answer.json()})
            print(f"{name}: HTTP {answer.status_code}")
        for name, run in RUNS.items():
            if not only or name in only:
                await record_run(http, url, name, run)
        save("object_info.json", (await http.get("/object_info")).json())  # last: the trained LoRA is listed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8188")
    parser.add_argument("runs", nargs="*", help="record only these runs (default: all)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.url.rstrip("/"), arguments.runs))
