"""Previews benchmark: the station CPU one preview frame costs (the real engine following prompts on a stand-in
worker in another process, with and without frames), then bench/dispatch.py's run without previews and with 10
preview frames a second per job on 8 workers: result delivery still within 50 ms (p99), over all deliveries and over
those no stall of the disk overlapped (bench/disk.py). JSON last."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dispatch import ROOT, free_port, run  # noqa: E402

from adapters.comfyui.engine import ComfyUIEngine  # noqa: E402
from adapters.templates.folder import load_templates  # noqa: E402

DELIVERY_GOAL_MS = 50
PROMPTS, STEPS = 20, 100  # frames measured: up to PROMPTS * STEPS


async def follow_cpu(preview_rate: float | None) -> tuple[float, int]:
    """Station CPU seconds to follow PROMPTS sampling prompts to their end, and the preview frames it read."""
    port = free_port()
    rate = ["--preview-rate", str(preview_rate)] if preview_rate else []
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.standins.comfyui", "--port", str(port), "--step-delay", "0.002", *rate,
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    await worker.stdout.readline()
    template = next(t for t in load_templates(ROOT / "templates") if t.name == "txt2img")
    engine, frames = ComfyUIEngine(f"http://127.0.0.1:{port}"), 0
    try:
        cpu = 0.0
        for n in range(PROMPTS + 1):  # the first warms up and is not counted
            graph = template.render(template.spec.validate({"prompt": "bench", "steps": STEPS, "seed": n,
                                                            "width": 256, "height": 256}))
            await engine.submit(f"bench-{n}", graph, ())
            started = time.process_time()
            async for event in engine.follow(f"bench-{n}"):
                frames += n > 0 and event.kind == "preview"
            cpu += (time.process_time() - started) if n else 0.0
        return cpu, frames
    finally:
        await engine.close()
        worker.terminate()
        await worker.wait()


def frame_cost() -> dict:
    quiet, _ = asyncio.run(follow_cpu(None))
    busy, frames = asyncio.run(follow_cpu(10_000))
    return {"frames_measured": frames,
            "added_cpu_us_per_frame": round((busy - quiet) * 1e6 / frames, 1) if frames else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds-per-job", type=float, default=0.2)
    parser.add_argument("--heavy-jobs", type=int, default=95, help="jobs each of the 10 heavy users submits")
    parser.add_argument("--preview-rate", type=float, default=10.0, help="preview frames a second per job")
    args = parser.parse_args()
    cost = frame_cost()
    print(json.dumps(cost), file=sys.stderr)
    without = asyncio.run(run(argparse.Namespace(**{**vars(args), "preview_rate": 0})))
    print(json.dumps({"without_previews": without}), file=sys.stderr)
    with_previews = asyncio.run(run(args))
    print(json.dumps({"with_previews": with_previews}), file=sys.stderr)
    print(json.dumps({
        "workers": args.workers, "preview_rate": args.preview_rate,
        "preview_frames_per_job": with_previews["preview_frames_per_job"], **cost,
        "cpu_ms_per_job_without": without["station_cpu_ms_per_job"],
        "cpu_ms_per_job_with": with_previews["station_cpu_ms_per_job"],
        "delivery_p99_ms_without": without["delivery_p99_ms"], "delivery_p99_ms": with_previews["delivery_p99_ms"],
        "delivery_within_goal": with_previews["delivery_p99_ms"] <= DELIVERY_GOAL_MS,
        "delivery_p99_ms_disk_calm_without": without["delivery_p99_ms_disk_calm"],
        "delivery_p99_ms_disk_calm": with_previews["delivery_p99_ms_disk_calm"],
        "delivery_within_goal_disk_calm": with_previews["delivery_p99_ms_disk_calm"] <= DELIVERY_GOAL_MS,
        "deliveries_held_by_disk_without": without["deliveries_held_by_disk"],
        "deliveries_held_by_disk": with_previews["deliveries_held_by_disk"],
        "disk_stalls_without": without["disk_stalls"], "disk_stalls": with_previews["disk_stalls"],
        "disk_stall_max_ms_without": without["disk_stall_max_ms"], "disk_stall_max_ms": with_previews["disk_stall_max_ms"],
        "utilization_without": without["utilization"], "utilization": with_previews["utilization"],
        "host_steal_without": without["host_steal"], "host_steal": with_previews["host_steal"],
        "load_average": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
