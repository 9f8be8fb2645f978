"""Dispatch benchmark: N stand-in ComfyUI workers, 1,000 jobs from heavy and light users; prints JSON last."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.comfyui.engine import ComfyUIEngine  # noqa: E402
from bench.disk import DiskWatch  # noqa: E402
from bench.host import cpu_jiffies, stolen_share  # noqa: E402
from bootstrap.config import load_config  # noqa: E402
from bootstrap.container import build_container  # noqa: E402
from bootstrap.heap import settle_heap  # noqa: E402
from bootstrap.switching import favour_returning_threads  # noqa: E402
from domain.reply import ReplyTo  # noqa: E402

STEPS = 4
MEMORY = "/dev/shm"  # the workers stand for other machines: their files go to memory, not the station's disk


class TimedEngine:
    """The real ComfyUI client, noting when each prompt starts and when ComfyUI reports it done."""

    def __init__(self, engine: ComfyUIEngine, started: dict, done: dict):
        self.engine, self.started, self.done = engine, started, done
        self.name = engine.name
        self.previews = 0
        self.prompts: list[str] = []  # the prompts it ran, to measure how long it was busy

    def __getattr__(self, name):
        return getattr(self.engine, name)

    async def follow(self, prompt_id: str):
        self.prompts.append(prompt_id)
        async for event in self.engine.follow(prompt_id):
            if event.kind in ("running", "progress"):
                self.started.setdefault(prompt_id, time.monotonic())
            self.previews += event.kind == "preview"
            if event.final:
                self.done[prompt_id] = time.monotonic()
            yield event


class TimingNotifier:
    def __init__(self):
        self.finished: dict[str, float] = {}
        self.order: list[str] = []
        self.all_done = asyncio.Event()
        self.expected = 0

    async def notify(self, origin, notice):
        if notice.kind in ("succeeded", "failed", "cancelled") and notice.job.id not in self.finished:
            self.finished[notice.job.id] = time.monotonic()
            self.order.append(notice.job.id)
            if len(self.finished) >= self.expected:
                self.all_done.set()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_workers(count: int, step_delay: float, base: str, preview_rate: float = 0) -> tuple[list, list[str]]:
    processes, urls = [], []
    previews = ["--preview-rate", str(preview_rate)] if preview_rate else []
    for n in range(count):
        port = free_port()
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "tests.standins.comfyui", "--port", str(port), "--step-delay", str(step_delay),
             "--base-dir", os.path.join(base, f"worker{n}"), *previews],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
        urls.append(f"http://127.0.0.1:{port}")
    for process in processes:
        process.stdout.readline()
    return processes, urls


def busy_seconds(intervals: list[tuple[float, float]]) -> float:
    """How long one worker had a job running: the union of its jobs' intervals (a job queued on the worker
    behind the running one starts as that one ends, so the station sees the two overlap briefly)."""
    busy, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        busy += max(0.0, end - max(start, reach))
        reach = max(reach, end)
    return busy


def jain(values: list[float]) -> float:
    return sum(values) ** 2 / (len(values) * sum(v * v for v in values)) if any(values) else 0.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0.0


async def run(args) -> dict:
    scratch = tempfile.mkdtemp(prefix="stationthis-bench-")
    elsewhere = tempfile.mkdtemp(prefix="stationthis-bench-workers-", dir=MEMORY if os.path.isdir(MEMORY) else None)
    processes, urls = start_workers(args.workers, args.seconds_per_job / STEPS, elsewhere, args.preview_rate)
    data_dir = os.path.join(scratch, "var")
    started, done = {}, {}
    notifier = TimingNotifier()
    config = load_config(env={"STATIONTHIS_DATA_DIR": data_dir, "COMFYUI_URLS": ",".join(urls),
                              "STATIONTHIS_PROGRESS_INTERVAL": "3", "STATIONTHIS_MAX_JOBS_PER_USER": "1000"},
                         dotenv=False)
    engines = [TimedEngine(ComfyUIEngine(url), started, done) for url in urls]
    container = build_container(config, engines=engines, notifier=notifier)
    storage = container.infra.storage()
    await storage.open()
    disk = DiskWatch(data_dir)
    disk.start()
    station = container.use_cases.station()
    runner = container.use_cases.runner()
    await runner.start()
    settle_heap()  # as `stationthis run` does once started
    favour_returning_threads()
    try:
        rng = random.Random(7)
        heavy = [await station.accounts.user_for(f"web:heavy{n}") for n in range(10)]
        light = [await station.accounts.user_for(f"web:light{n}") for n in range(40)]
        for user in heavy + light:
            await station.points.grant(user.id, 100_000)
        light_counts = [2] * 10 + [1] * 30
        notifier.expected = 10 * args.heavy_jobs + sum(light_counts)
        params = {"prompt": "benchmark", "steps": STEPS, "width": 256, "height": 256}
        submitted_at, owner = {}, {}

        async def submit(user, n):
            job = await station.make_image.submit(user.id, "txt2img", {**params, "seed": n}, ReplyTo("bench"))
            submitted_at[job.id], owner[job.id] = time.monotonic(), user.id
            return job

        ideal = notifier.expected * args.seconds_per_job / args.workers
        t0, cpu0, host0 = time.monotonic(), time.process_time(), cpu_jiffies()
        print(f"submitting {10 * args.heavy_jobs} heavy jobs to {args.workers} workers", file=sys.stderr)

        async def heavy_users():
            for n in range(args.heavy_jobs):
                for user in heavy:
                    await submit(user, n)

        async def light_user(user, count):  # arrives within the first 80 % of the ideal makespan, from the start
            await asyncio.sleep(rng.uniform(0, 0.8 * ideal))
            for n in range(count):
                await submit(user, n)

        await asyncio.gather(heavy_users(), *(light_user(u, c) for u, c in zip(light, light_counts)),
                             asyncio.wait_for(notifier.all_done.wait(), ideal * 4 + 60))
        makespan, cpu, stolen = time.monotonic() - t0, time.process_time() - cpu0, stolen_share(host0, cpu_jiffies())
    finally:
        disk.stop()
        await runner.stop()
        for engine in engines:
            await engine.close()
        await storage.close()
        for process in processes:
            process.terminate()
            process.wait()
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(elsewhere, ignore_errors=True)
    half = notifier.order[: notifier.expected // 2]
    heavy_ids = {u.id for u in heavy}
    light_ids = {u.id for u in light}
    heavy_done = [sum(1 for j in half if owner.get(j) == uid) for uid in heavy_ids]
    light_waits = [(started[j] - submitted_at[j]) * 1000 for j in owner if owner[j] in light_ids and j in started]
    delivered = [(done[j], notifier.finished[j]) for j in notifier.finished if j in done]
    delivery = [(told - ended) * 1000 for ended, told in delivered]
    calm = [(told - ended) * 1000 for ended, told in delivered if not disk.held(ended, told)]
    service = [done[j] - started[j] for j in done if j in started]
    mean_service = sum(service) / len(service) if service else args.seconds_per_job
    busy = sum(busy_seconds([(started[j], done[j]) for j in e.prompts if j in started and j in done])
               for e in engines)
    return {
        "jobs": notifier.expected, "workers": args.workers, "seconds_per_job": args.seconds_per_job,
        "makespan_s": round(makespan, 2), "ideal_makespan_s": round(ideal, 2),
        # The share of the run the workers had a job running; nominal counts T as configured per job instead.
        "utilization": round(busy / args.workers / makespan, 3),
        "utilization_nominal": round(ideal / makespan, 3),
        "service_s_mean": round(mean_service, 4),
        "heavy_fairness": round(jain(heavy_done), 4),
        "light_wait_p99_ms": round(percentile(light_waits, 99), 1),
        "delivery_p50_ms": round(percentile(delivery, 50), 1),
        "delivery_p99_ms": round(percentile(delivery, 99), 1),
        # Leaving out the deliveries a stall of the disk overlapped (see bench/disk.py).
        "delivery_p99_ms_disk_calm": round(percentile(calm, 99), 1),
        "deliveries_held_by_disk": len(delivery) - len(calm),
        **disk.figures(),
        "station_cpu_ms_per_job": round(cpu * 1000 / notifier.expected, 2),
        "preview_frames_per_job": round(sum(e.previews for e in engines) / notifier.expected, 2),
        "host_steal": stolen,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds-per-job", type=float, default=0.2)
    parser.add_argument("--heavy-jobs", type=int, default=95, help="jobs each of the 10 heavy users submits")
    parser.add_argument("--preview-rate", type=float, default=0,
                        help="preview frames a second each worker sends while sampling (0: none)")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
