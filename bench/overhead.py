"""Per-job overhead: 50 model-free jobs straight to one worker and 50 through StationThis, interleaved; JSON last.

The stand-in ComfyUI by default; a real one with COMFYUI_REAL_URL. Direct: upload, POST /prompt, wait on the
websocket, GET /history, GET /view. Station: store the picture, MakeImage.submit (quote, charge, queue) until the
result is in the blob store and the notifier is told (the picture is stored before, as when a user sends it). requests_per_job counts the station's requests to ComfyUI.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import httpx
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.comfyui.engine import ComfyUIEngine  # noqa: E402
from bench.dispatch import TimingNotifier, percentile, start_workers  # noqa: E402
from bootstrap.config import load_config  # noqa: E402
from bootstrap.container import build_container  # noqa: E402
from domain.reply import ReplyTo  # noqa: E402
from tests.standins.comfyui.recordings.record import png  # noqa: E402

TOOL, VALUES = "upscale_simple", {"scale_by": 1.0}


async def direct_job(http: httpx.AsyncClient, url: str, graph: dict, picture: bytes) -> float:
    """What a client of ComfyUI alone does for one result; milliseconds from upload to bytes in hand."""
    client_id, started = uuid.uuid4().hex, time.perf_counter()
    async with connect(f"ws{url.removeprefix('http')}/ws?clientId={client_id}", max_size=None) as ws:
        name = (await http.post("/upload/image", files={"image": ("direct.png", picture)},
                                data={"overwrite": "true"})).json()["name"]
        graph["1"]["inputs"]["image"] = name
        prompt_id = (await http.post("/prompt", json={"prompt": graph, "client_id": client_id})).json()["prompt_id"]
        async for frame in ws:
            message = json.loads(frame) if isinstance(frame, str) else {}
            if message.get("type") == "executing" and message["data"].get("node") is None \
                    and message["data"].get("prompt_id") == prompt_id:
                break
    entry = (await http.get(f"/history/{prompt_id}")).json()[prompt_id]
    [image] = [i for ui in entry["outputs"].values() for i in ui.get("images", [])]
    assert (await http.get("/view", params=image)).content.startswith(b"\x89PNG")
    return (time.perf_counter() - started) * 1000


async def run(args) -> dict:
    scratch = tempfile.mkdtemp(prefix="stationthis-overhead-")
    processes, urls = ([], [os.environ["COMFYUI_REAL_URL"].rstrip("/")]) if os.environ.get("COMFYUI_REAL_URL") \
        else start_workers(1, 0.0, scratch)
    requests = {"count": 0}

    async def counted(session, context, params):
        requests["count"] += 1

    tracing = aiohttp.TraceConfig()
    tracing.on_request_start.append(counted)
    station_http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60), trace_configs=[tracing])
    notifier = TimingNotifier()
    config = load_config(env={"STATIONTHIS_DATA_DIR": os.path.join(scratch, "var"), "COMFYUI_URLS": urls[0]},
                         dotenv=False)
    engine = ComfyUIEngine(urls[0], http=station_http)
    container = build_container(config, engines=[engine], notifier=notifier)
    await container.infra.storage().open()
    station = container.use_cases.station()
    runner = container.use_cases.runner()
    await runner.start()
    direct, through, picture = [], [], png(256, (90, 140, 200))
    try:
        user = await station.accounts.user_for("web:bench")
        await station.points.grant(user.id, 100_000)
        template = container.infra.catalogue().get(TOOL)
        graph = template.render(template.spec.validate({"image": "x.png", **VALUES}))
        async with httpx.AsyncClient(base_url=urls[0], timeout=60) as http:
            for n in range(args.jobs + 1):  # the first pair warms both paths up and is not counted
                took = await direct_job(http, urls[0], dict(graph), picture)
                key = await station.media.store_input(user.id, picture)  # the user's picture, stored when it arrived
                before, started = requests["count"], time.perf_counter()
                job = await station.make_image.submit(user.id, TOOL, {"image": key, **VALUES}, ReplyTo("bench"))
                notifier.expected = n + 1
                await asyncio.wait_for(notifier.all_done.wait(), 60)
                notifier.all_done.clear()
                if n:
                    direct.append(took)
                    through.append((time.perf_counter() - started) * 1000)
                    requests["per_job"] = requests.get("per_job", 0) + requests["count"] - before
                print(f"job {n}: direct {took:.1f} ms, station {(time.perf_counter() - started) * 1000:.1f} ms "
                      f"({job.id[:8]})", file=sys.stderr)
    finally:
        await runner.stop()
        await engine.close()
        await station_http.close()
        await container.infra.storage().close()
        for process in processes:
            process.terminate()
            process.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    overhead = [s - d for s, d in zip(through, direct)]
    return {"jobs": len(direct), "worker": "real ComfyUI" if not processes else "stand-in",
            "direct_p50_ms": round(percentile(direct, 50), 1), "station_p50_ms": round(percentile(through, 50), 1),
            "overhead_p50_ms": round(percentile(overhead, 50), 1), "overhead_p95_ms": round(percentile(overhead, 95), 1),
            "requests_per_job": round(requests.get("per_job", 0) / max(len(direct), 1), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=50)
    print(json.dumps(asyncio.run(run(parser.parse_args()))))


if __name__ == "__main__":
    main()
