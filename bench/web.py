"""Benchmark the web interface: the gallery API and the Make page with 10,000 jobs in storage, under
50 concurrent clients on 127.0.0.1 for a bounded time. The app runs as `stationthis run` in its own
process (the real server); the clients run here. The last line printed is one JSON object."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncio
import json
import os
import random
import re
import socket
import statistics
import tempfile
import time

import httpx

from bootstrap.commands import opened
from bootstrap.config import load_config
from domain.jobs import Job, JobState, Progress
from tests.standins.comfyui.standin import ComfyUIStandin

JOBS = int(os.environ.get("BENCH_JOBS", "10000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
WARMUP_S = 2.0
SECRET = "bench-secret-key-not-for-production"
PAGES = 50  # gallery requests spread over the newest 50 pages of 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def seed(env: dict) -> tuple[str, str]:
    """10,000 finished jobs for one user, written through the storage port; an API token and a sign-in code."""
    async with opened(load_config(env=env, dotenv=False)) as container:
        station, storage = container.use_cases.station(), container.infra.storage()
        user = await station.accounts.user_for("web:bench", display_name="Bench")
        await station.points.grant(user.id, 1_000_000)
        start, now = time.perf_counter(), time.time() - JOBS
        for first in range(0, JOBS, 500):
            await asyncio.gather(*(storage.jobs.add(_job(user.id, n, now + n)) for n in range(first, min(first + 500, JOBS))))
            print(f"seeded {min(first + 500, JOBS)}/{JOBS} jobs", flush=True)
        print(f"seeding took {time.perf_counter() - start:.1f} s", flush=True)
        code = await station.accounts.issue_link_code(user.id)
        _, token = await station.credentials.create_token(user.id, "bench")
    return token, code.code


def _job(user_id: str, n: int, at: float) -> Job:
    return Job(id=f"bench{n:06d}", user_id=user_id, tool="txt2img", kind="image",
               params={"prompt": f"bench picture {n}", "steps": 20, "width": 512, "height": 512, "seed": n},
               price=5, state=JobState.SUCCEEDED, created_at=at, updated_at=at, paid=True,
               origin={"platform": "web", "user_id": user_id}, outputs=(f"results/bench{n:06d}/0.png",),
               progress=Progress(100.0, 20, 20, "done"))


async def wait_until_up(url: str, server: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            if server.returncode is not None:
                raise SystemExit(f"the server exited with {server.returncode}")
            try:
                if (await http.get(f"{url}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the server did not come up within 30 s")


async def session_cookies(url: str, code: str) -> httpx.Cookies:
    async with httpx.AsyncClient(base_url=url) as http:
        page = await http.get("/signin")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = await http.post("/signin", data={"code": code, "csrf_token": token})
        if answer.status_code != 302:
            raise SystemExit(f"sign-in failed: {answer.status_code}")
        return http.cookies


async def load(name: str, url: str, paths, headers=None, cookies=None) -> dict:
    """CLIENTS clients, each on its own keep-alive connection, requesting back to back until time is up."""
    latencies: list[float] = []
    errors = 0
    measuring = asyncio.Event()
    stop_at = [0.0]

    async def client(number: int) -> None:
        nonlocal errors
        rng = random.Random(number)
        async with httpx.AsyncClient(base_url=url, headers=headers, cookies=cookies, timeout=30) as http:
            while True:
                started = time.perf_counter()
                if stop_at[0] and started >= stop_at[0]:
                    return
                answer = await http.get(paths(rng))
                elapsed = time.perf_counter() - started
                if measuring.is_set():
                    latencies.append(elapsed)
                    errors += answer.status_code != 200

    tasks = [asyncio.create_task(client(n)) for n in range(CLIENTS)]
    await asyncio.sleep(WARMUP_S)
    measuring.set()
    began = time.perf_counter()
    stop_at[0] = began + SECONDS
    for second in range(int(SECONDS)):
        await asyncio.sleep(1)
        print(f"{name}: {second + 1:>3} s, {len(latencies)} requests", flush=True)
    await asyncio.gather(*tasks)
    took = time.perf_counter() - began
    ordered = sorted(latencies)
    result = {"rps": len(ordered) / took, "p50_ms": 1000 * statistics.median(ordered),
              "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))], "errors": errors, "requests": len(ordered)}
    print(f"{name}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
          f"{errors} errors", flush=True)
    return result


async def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="stationthis-bench-")
    async with ComfyUIStandin() as comfy:
        port = free_port()
        env = {"STATIONTHIS_DATA_DIR": data_dir, "COMFYUI_URLS": comfy.url, "WEB_HOST": "127.0.0.1",
               "WEB_PORT": str(port), "WEB_SECRET_KEY": SECRET, "STATIONTHIS_LOG_LEVEL": "WARNING"}
        token, code = await seed(env)
        url = f"http://127.0.0.1:{port}"
        server = await asyncio.create_subprocess_exec(sys.executable, "-m", "bootstrap", "run", cwd=ROOT,
                                                      env={**os.environ, **env, "STATIONTHIS_ENV_FILE": os.devnull})
        try:
            await wait_until_up(url, server)
            print(f"server up at {url}: {CLIENTS} clients, {SECONDS:g} s per phase after {WARMUP_S:g} s warm-up",
                  flush=True)
            bearer = {"Authorization": f"Bearer {token}"}
            gallery = await load("gallery API", url, lambda rng: (
                f"/api/v1/jobs?state=succeeded&limit=20&offset={20 * rng.randrange(PAGES)}"), headers=bearer)
            make = await load("Make page", url, lambda rng: "/make/txt2img",
                              cookies=await session_cookies(url, code))
        finally:
            server.terminate()
            await asyncio.wait_for(server.wait(), 15)
    print(json.dumps({
        "gallery_rps": round(gallery["rps"], 1), "gallery_p50_ms": round(gallery["p50_ms"], 2),
        "gallery_p99_ms": round(gallery["p99_ms"], 2), "make_page_rps": round(make["rps"], 1),
        "make_page_p99_ms": round(make["p99_ms"], 2), "jobs": JOBS, "clients": CLIENTS,
        "errors": gallery["errors"] + make["errors"],
    }))


if __name__ == "__main__":
    asyncio.run(main())
