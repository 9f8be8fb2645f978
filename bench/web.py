"""Benchmark the web interface against its own floor: with 10,000 jobs stored, 50 concurrent clients on 127.0.0.1
request, for a bounded time each and taking turns, the bare /livez endpoint of the same app (the framework's floor),
the gallery API, the gallery page and the Make page. The app runs as `stationthis run` in its own process (the real
server); the clients run here on raw keep-alive connections, so that they cost far less than the server. Goal: each
page at >= 60 % of the floor's throughput with p99 <= 100 ms. The last line printed is one JSON object."""
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
import shutil
import socket
import statistics
import tempfile
import time
from dataclasses import dataclass, field

import httpx

from bench.host import cpu_jiffies, stolen_share
from bootstrap.commands import opened
from bootstrap.config import load_config
from domain.jobs import Job, JobState, Progress
from tests.standins.comfyui.standin import ComfyUIStandin

JOBS = int(os.environ.get("BENCH_JOBS", "10000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))  # measured per kind of request, over all turns
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
WARMUP_S = 0.5
SECRET = "bench-secret-key-not-for-production"
PAGES = 50  # gallery requests spread over the newest 50 pages
GOAL_RATIO, GOAL_P99_MS = 0.6, 100.0


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


async def session_cookie(url: str, code: str) -> str:
    """The `Cookie` header of a browser signed in with `code`."""
    async with httpx.AsyncClient(base_url=url) as http:
        page = await http.get("/signin")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = await http.post("/signin", data={"code": code, "csrf_token": token})
        if answer.status_code != 302:
            raise SystemExit(f"sign-in failed: {answer.status_code}")
        await http.get("/make")  # a browser keeps the cookie of its first page (the session's CSRF token)
        return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


class Connection:
    """One keep-alive HTTP/1.1 connection: GET, then read the status line, headers and body (sized or chunked)."""

    def __init__(self, port: int, headers: dict[str, str]):
        self.port = port
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.extra}\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        if b"transfer-encoding: chunked" in lower:
            while (size := int((await self.reader.readline()).strip(), 16)) > 0:
                await self.reader.readexactly(size + 2)
            await self.reader.readline()
        else:
            length = re.search(rb"content-length: *(\d+)", lower)
            await self.reader.readexactly(int(length.group(1)) if length else 0)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def cpu_seconds(pid: int) -> float | None:
    """The CPU time a process has used so far (Linux's /proc), or None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@dataclass
class Tally:
    """One kind of request, measured over every slice of time it was given."""

    name: str
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float | None = 0.0
    errors: int = 0

    def figures(self) -> dict:
        ordered = sorted(self.latencies)
        cpu_ms = None if self.cpu_seconds is None else 1000 * self.cpu_seconds / len(ordered)
        return {"rps": len(ordered) / self.seconds, "p50_ms": 1000 * statistics.median(ordered),
                "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))], "errors": self.errors, "cpu_ms": cpu_ms}


async def load(tally: Tally, port: int, paths, headers: dict[str, str], server_pid: int, seconds: float) -> None:
    """CLIENTS clients, each on its own keep-alive connection, requesting back to back for `seconds` after a warm-up;
    with the server's CPU time, which other work on the machine changes less than it changes throughput."""
    measuring = asyncio.Event()
    stop_at = [0.0]

    async def client(number: int) -> None:
        rng, connection = random.Random(number), Connection(port, headers)
        try:
            while True:
                started = time.perf_counter()
                if stop_at[0] and started >= stop_at[0]:
                    return
                status = await connection.get(paths(rng))
                if measuring.is_set():
                    tally.latencies.append(time.perf_counter() - started)
                    tally.errors += status != 200
        finally:
            connection.close()

    tasks = [asyncio.create_task(client(n)) for n in range(CLIENTS)]
    await asyncio.sleep(WARMUP_S)
    measuring.set()
    began, cpu_began = time.perf_counter(), cpu_seconds(server_pid)
    stop_at[0] = began + seconds
    await asyncio.gather(*tasks)
    tally.seconds += time.perf_counter() - began
    cpu_ended = cpu_seconds(server_pid)
    if tally.cpu_seconds is None or cpu_began is None or cpu_ended is None:
        tally.cpu_seconds = None
    else:
        tally.cpu_seconds += cpu_ended - cpu_began


async def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="stationthis-bench-")
    try:
        await measure(data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


async def measure(data_dir: str) -> None:
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
            print(f"server up at {url}: {CLIENTS} clients, {SECONDS:g} s per kind of request in {ROUNDS} turns "
                  f"(each after {WARMUP_S:g} s warm-up)", flush=True)
            bearer, browser = {"Authorization": f"Bearer {token}"}, {"Cookie": await session_cookie(url, code)}
            phases = {  # name: (tally, paths, headers)
                "floor": (Tally("floor (/livez)"), lambda rng: "/livez", {}),
                "gallery_api": (Tally("gallery API"), lambda rng: (
                    f"/api/v1/jobs?state=succeeded&limit=20&offset={20 * rng.randrange(PAGES)}"), bearer),
                "gallery_page": (Tally("gallery page"), lambda rng: f"/gallery?page={1 + rng.randrange(PAGES)}",
                                 browser),
                "make_page": (Tally("Make page"), lambda rng: "/make/txt2img", browser),
            }
            host0 = cpu_jiffies()
            for turn in range(ROUNDS):  # taking turns, so a busy moment on the machine falls on every kind alike
                for tally, paths, headers in phases.values():
                    await load(tally, port, paths, headers, server.pid, SECONDS / ROUNDS)
                print(f"turn {turn + 1}/{ROUNDS} done", flush=True)
            stolen = stolen_share(host0, cpu_jiffies())
        finally:
            server.terminate()
            await asyncio.wait_for(server.wait(), 15)
    results = {name: tally.figures() for name, (tally, _, _) in phases.items()}
    for name, (tally, _, _) in phases.items():
        figures = results[name]
        print(f"{tally.name}: {figures['rps']:.0f} req/s, p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} "
              f"ms, server CPU {figures['cpu_ms'] or 0:.2f} ms a request, {figures['errors']} errors", flush=True)
    floor = results["floor"]["rps"]
    summary: dict[str, object] = {"floor_rps": round(floor, 1), "floor_p99_ms": round(results["floor"]["p99_ms"], 2),
                                  "floor_cpu_ms": _rounded(results["floor"]["cpu_ms"])}
    for name in ("gallery_api", "gallery_page", "make_page"):
        figures = results[name]
        summary |= {f"{name}_rps": round(figures["rps"], 1), f"{name}_ratio": round(figures["rps"] / floor, 3),
                    f"{name}_p50_ms": round(figures["p50_ms"], 2), f"{name}_p99_ms": round(figures["p99_ms"], 2),
                    f"{name}_cpu_ms": _rounded(figures["cpu_ms"])}
    summary |= {"jobs": JOBS, "clients": CLIENTS, "errors": sum(r["errors"] for r in results.values()),
                "load_average": round(os.getloadavg()[0], 2), "host_steal": stolen,
                "goals_met": all(results[n]["rps"] / floor >= GOAL_RATIO and results[n]["p99_ms"] <= GOAL_P99_MS
                                 for n in ("gallery_api", "gallery_page", "make_page"))}
    print(json.dumps(summary))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


if __name__ == "__main__":
    asyncio.run(main())
