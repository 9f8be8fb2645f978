"""The SQLite store syncs a commit to disk only where a power cut must not undo it: money (grants, charges with their
job, refunds) and the choice of a job's worker. Putting a job in line, taking its lease, marking it running and its
progress are written to the WAL unsynced: the process dying loses none of them, and after a power cut the restart
does them again. Watched with strace (the WAL's syncs counted step by step) and with a SIGKILL."""
from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRACE = shutil.which("strace")
LIFE = """
import asyncio, json, os, sys
from dataclasses import replace
from adapters.storage.sqlite.storage import SqliteStorage
from domain.jobs import JobState, Progress
from domain.ledger import EntryKind
from tests.contract.records import entry, job

def step(name):
    os.write(1, f"STEP {name}\\n".encode())

async def main(path, ending):
    storage = SqliteStorage(path)
    await storage.open()
    jobs = storage.jobs
    step("opened")
    await storage.ledger.post(entry("alice", EntryKind.GRANT, 100, key="grant:1"))
    step("granted")
    new = job(state=JobState.CHARGED, worker=None, paid=True, refunded=False, started_at=None)
    charge = entry("alice", EntryKind.CHARGE, -30, key=f"charge:{new.id}", job_id=new.id)
    assert await jobs.add(new, charge)
    step("charged")
    queued = await jobs.save(new.to(JobState.QUEUED, 1001.0), durable=False)
    step("queued")
    assigned = await jobs.save(replace(queued, worker="worker-a", updated_at=1001.5))
    step("assigned")
    assert await jobs.claim(new.id, "station-1", until=5000.0, now=1001.5)
    step("leased")
    running = await jobs.save(assigned.to(JobState.RUNNING, 1002.0, started_at=1002.0), durable=False)
    step("running")
    running = await jobs.save(running.with_progress(Progress(percent=50.0, step=2, total=4), 1003.0), durable=False)
    step("progressed")
    if ending == "kill":
        print(json.dumps({"job": new.id}), flush=True)
        os.kill(os.getpid(), 9)
    refund = entry("alice", EntryKind.REFUND, 30, key=f"refund:{new.id}", job_id=new.id, refund_of=charge.id)
    await jobs.save(replace(running.to(JobState.FAILED, 1004.0), refunded=True), refund)
    step("refunded")
    await storage.close()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""
CALL = re.compile(r'^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+)')


def syncs_of_the_wal_by_step(log: Path) -> Counter:
    """How many times the WAL file was synced during each step, named by the step it ended with."""
    wal_fds: set[int] = set()
    pending, by_step = 0, Counter()
    for line in log.read_text().splitlines():
        if not (match := CALL.match(line)) or int(match[3]) < 0:
            continue
        name, args, result = match[1], match[2], int(match[3])
        if name == "openat" and '-wal"' in args:
            wal_fds.add(result)
        elif name in ("fsync", "fdatasync") and int(args) in wal_fds:
            pending += 1
        elif name == "write" and (step := re.search(r'"STEP (\w+)\\n"', args)):
            by_step[step[1]], pending = pending, 0
    return by_step


@pytest.mark.skipif(not sys.platform.startswith("linux") or STRACE is None, reason="needs Linux's strace")
def test_money_and_worker_choice_are_synced_and_queueing_leases_and_progress_are_not(tmp_path):
    log = tmp_path / "strace.log"
    ran = subprocess.run([STRACE, "-f", "-qq", "-o", str(log), "-e", "trace=openat,fsync,fdatasync,write",
                          sys.executable, "-c", LIFE, str(tmp_path / "station.db"), "refund"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    if ran.returncode and "ptrace" in ran.stderr:
        pytest.skip("this machine does not let strace trace (ptrace is not permitted)")
    assert ran.returncode == 0, ran.stderr
    syncs = syncs_of_the_wal_by_step(log)
    for durable in ("granted", "charged", "assigned", "refunded"):
        assert syncs[durable] >= 1, f"{durable}: not synced ({dict(syncs)})"
    for unsynced in ("queued", "leased", "running", "progressed"):
        assert syncs[unsynced] == 0, f"{unsynced}: synced ({dict(syncs)})"


def test_unsynced_writes_survive_the_process_being_killed(tmp_path):
    path = tmp_path / "station.db"
    ran = subprocess.run([sys.executable, "-c", LIFE, str(path), "kill"], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert ran.returncode == -signal.SIGKILL, ran.stderr
    job_id = json.loads(ran.stdout.splitlines()[-1])["job"]
    check = """
import asyncio, json, sys
from adapters.storage.sqlite.storage import SqliteStorage
async def main(path, job_id):
    storage = SqliteStorage(path)
    await storage.open()
    job = await storage.jobs.get(job_id)
    leased_to_another = await storage.jobs.claim(job_id, "station-2", until=6000.0, now=2000.0)
    print(json.dumps({"state": job.state.value, "worker": job.worker, "started_at": job.started_at,
                      "percent": job.progress.percent, "balance": await storage.ledger.balance("alice"),
                      "leased_to_another": leased_to_another}))
    await storage.close()
asyncio.run(main(sys.argv[1], sys.argv[2]))
"""
    reopened = subprocess.run([sys.executable, "-c", check, str(path), job_id], capture_output=True, text=True,
                              timeout=60, cwd=ROOT)
    assert reopened.returncode == 0, reopened.stderr
    assert json.loads(reopened.stdout) == {"state": "running", "worker": "worker-a", "started_at": 1002.0,
                                           "percent": 50.0, "balance": 70, "leased_to_another": False}
