"""Crash tests: the real `stationthis run`, killed at random and at each named crash window, then restarted
and drained. Every job ends charged once and succeeded, or failed and refunded once; the audit stays green."""
import asyncio
import random
import signal

import pytest

from tests.crash.launcher import CRASHED
from tests.crash.rig import CrashRig
from tests.standins.comfyui import ComfyUIStandin

pytestmark = pytest.mark.timeout(120)
CLEAN = {"lost_refunds": 0, "double_charges": 0, "stuck_jobs": 0, "audit_violations": 0}


@pytest.fixture
async def workers():
    """Two stand-in workers; every job on the second fails (its sampler runs out of memory)."""
    async with ComfyUIStandin(step_delay=0.05) as good, ComfyUIStandin(step_delay=0.05) as bad:
        bad.fail_node("KSampler", "out of memory")
        yield good, bad


@pytest.fixture
async def rig(tmp_path, workers):
    made = CrashRig(tmp_path, [w.url for w in workers])
    made.prepare()
    yield made
    made.kill()


async def _settled(rig: CrashRig) -> dict:
    await rig.drain()
    counts = await rig.tally()
    verify = rig.cli("ledger", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    return counts


async def test_random_kills_and_stops_lose_no_refund_and_charge_nothing_twice(rig):
    chance = random.Random(10)
    for round_number in range(6):
        rig.start()
        await rig.ready()
        for n in range(3):
            await rig.submit(f"job-{round_number}-{n}")
        await rig.submit(f"job-{chance.randrange(round_number + 1)}-0")  # a retry of an earlier request
        await asyncio.sleep(chance.uniform(0.05, 0.8))
        rig.kill(signal.SIGTERM if round_number % 3 == 2 else signal.SIGKILL)
    counts = await _settled(rig)
    assert {k: counts[k] for k in CLEAN} == CLEAN and counts["jobs"] == len(rig.requests)


@pytest.mark.parametrize("crash_at, worker, succeeding", [
    ("_save:failed", "bad", 0),             # a failed job and its refund are one write: the crash comes before both
    ("_save:failed:after", "bad", 0),       # ...or after both: nothing is owed, only the owner's message is missing
    ("_save:succeeded", "good", 4),         # outputs fetched, success not yet stored: delivered once after restart
    ("_add:after", "good", 4),              # stored and charged, never queued: the retry continues it
    ("_save:queued:2:after", "good", 4),    # a worker chosen, the prompt never posted: sent after the restart
])
async def test_a_crash_at_each_named_window_ends_every_job_settled(tmp_path, workers, crash_at, worker, succeeding):
    rig = CrashRig(tmp_path, [workers[worker == "bad"].url])
    rig.prepare()
    try:
        rig.start(crash_at)
        await rig.ready()
        for n in range(4):
            await rig.submit(f"job-{n}")
        assert await rig.exited() == CRASHED
        counts = await _settled(rig)
    finally:
        rig.kill()
    assert {k: counts[k] for k in CLEAN} == CLEAN
    assert (counts["jobs"], counts["succeeded"]) == (4, succeeding)
