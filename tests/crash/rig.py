"""A crash rig: the real `stationthis run` (through the crash launcher) on a data dir, driven over its JSON
API by three users, killed and restarted at will, then drained and tallied from its store."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

from adapters.blobs.filesystem import FilesystemBlobStore
from adapters.storage.sqlite.storage import SqliteStorage
from domain.audit import ENDED
from domain.ledger import EntryKind
from domain.workflows.audit import find_violations
from domain.workflows.make_image import job_id_for

ROOT = Path(__file__).resolve().parents[2]
STATIONTHIS = str(Path(sys.executable).with_name("stationthis"))
PARAMS = {"prompt": "a lighthouse", "steps": 3, "width": 256, "height": 256}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CrashRig:
    def __init__(self, root: Path, worker_urls: list[str], users: int = 3):
        self.root, self.port = root, free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_", "STATIONTHIS_"))}
        self.env.update({"STATIONTHIS_DATA_DIR": str(root / "var"), "COMFYUI_URLS": ",".join(worker_urls),
                         "WEB_PORT": str(self.port), "STATIONTHIS_PROGRESS_INTERVAL": "0.2", "COMFYUI_TIMEOUT": "3",
                         "STATIONTHIS_INSTANCE": "crash-rig", "PYTHONPATH": str(ROOT), "STATIONTHIS_ENV_FILE": "/dev/null"})
        self.identities = [f"web:crash{n}" for n in range(users)]
        self.users: dict[str, tuple[str, str]] = {}  # identity -> (user id, API token)
        self.requests: dict[str, str] = {}  # request key -> job id
        self.process: subprocess.Popen | None = None

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([STATIONTHIS, *args], cwd=self.root, env=self.env, capture_output=True, text=True,
                              timeout=60)

    def prepare(self, points: int = 100_000) -> None:
        for identity in self.identities:
            self.cli("points", "grant", identity, str(points))
            lines = self.cli("web", "token", "create", identity).stdout.strip().splitlines()
            self.users[identity] = (lines[0].split("(")[1].split(")")[0], lines[-1])

    def start(self, crash_at: str | None = None) -> None:
        env = {**self.env, **({"CRASH_LAUNCHER_STOP_AT": crash_at} if crash_at else {})}
        log = open(self.root / "run.log", "a")
        self.process = subprocess.Popen([sys.executable, "-m", "tests.crash.launcher"], cwd=ROOT, env=env,
                                        stdout=log, stderr=subprocess.STDOUT)

    async def ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    return  # stopped already (a crash point early in start-up)
                try:
                    if (await http.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1)).status_code < 500:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError("stationthis run did not answer on /healthz")

    async def submit(self, key: str) -> None:
        """Ask for a job under `key` (a retry of a known key asks again); a dead process is no error."""
        identity = self._owner(key)
        user_id, token = self.users[identity]
        self.requests[key] = job_id_for(f"api:{user_id}:{key}")
        try:
            async with httpx.AsyncClient(timeout=5) as http:
                await http.post(f"http://127.0.0.1:{self.port}/api/v1/tools/txt2img/jobs",
                                json={"params": PARAMS, "request_key": key},
                                headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError:
            pass

    def _owner(self, key: str) -> str:
        return self.identities[sum(map(ord, key)) % len(self.identities)]

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.process.wait(timeout=30)

    async def exited(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.process.poll() is None:
            self.kill()
        return self.process.returncode

    async def drain(self, timeout: float = 60.0) -> float:
        """Start cleanly, retry every request, wait until every job has ended, stop. Seconds taken."""
        began = time.monotonic()
        self.start()
        await self.ready()
        for key in list(self.requests):
            await self.submit(key)
        while time.monotonic() - began < timeout and not await self._all_ended():
            await asyncio.sleep(0.2)
        self.kill(signal.SIGTERM)
        return time.monotonic() - began

    async def _all_ended(self) -> bool:
        async with httpx.AsyncClient(timeout=5) as http:
            for key, job_id in self.requests.items():
                token = self.users[self._owner(key)][1]
                answer = await http.get(f"http://127.0.0.1:{self.port}/api/v1/jobs/{job_id}",
                                        headers={"Authorization": f"Bearer {token}"})
                if answer.status_code != 200 or not answer.json()["terminal"]:
                    return False
        return True

    async def tally(self) -> dict:
        """Counts from the store itself, with the process stopped: each of them should be 0."""
        storage = SqliteStorage(str(self.root / "var" / "stationthis.sqlite3"))
        await storage.open()
        try:
            jobs = {job.id: job for job in await storage.jobs.all()}
            kinds = Counter((e.job_id, e.kind) for e in await storage.ledger.of_jobs())
            violations = await find_violations(storage, FilesystemBlobStore(str(self.root / "var" / "blobs")))
        finally:
            await storage.close()
        asked = [jobs.get(job_id) for job_id in self.requests.values()]
        return {
            "jobs": len(jobs),
            "succeeded": sum(j.state.value == "succeeded" for j in jobs.values()),
            "lost_refunds": sum(j.state in ENDED and kinds[j.id, EntryKind.CHARGE] > kinds[j.id, EntryKind.REFUND]
                                for j in jobs.values()),
            "double_charges": sum(kinds[j, EntryKind.CHARGE] > 1 or kinds[j, EntryKind.REFUND] > 1 or (
                jobs[j].state.value == "succeeded" and kinds[j, EntryKind.REFUND] > 0) for j in jobs),
            "stuck_jobs": sum(job is None or not job.terminal for job in asked),
            "audit_violations": len(violations),
        }
