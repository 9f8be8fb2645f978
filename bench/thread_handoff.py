"""A durable file write on a thread (as SQLite's writer and the blob store do) while the event loop's thread is busy
with Python work, at Python's default switch interval and at the station's: its latency p50 and p99. JSON last."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncio
import json
import os
import subprocess
import tempfile
import time

from bootstrap.switching import SWITCH_INTERVAL_S

WRITES = int(os.environ.get("BENCH_WRITES", "200"))
DEFAULT_S = 0.005


async def busy_loop() -> None:
    """The station's loop under load: bursts of ~4 ms of Python work, yielding to the loop between them."""
    while True:
        began = time.perf_counter()
        while time.perf_counter() - began < 0.004:
            sum(range(200))
        await asyncio.sleep(0)


def durable_write(folder: str, number: int) -> None:
    partial, final = os.path.join(folder, f"{number}.partial"), os.path.join(folder, f"{number}.png")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, b"\x89PNG" + os.urandom(100_000))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(partial, final)


async def measure(interval: float) -> dict:
    sys.setswitchinterval(interval)
    folder, latencies = tempfile.mkdtemp(prefix="stationthis-handoff-"), []
    busy = asyncio.create_task(busy_loop())
    for number in range(WRITES):
        began = time.perf_counter()
        await asyncio.to_thread(durable_write, folder, number)
        latencies.append((time.perf_counter() - began) * 1000)
        await asyncio.sleep(0.005)
    busy.cancel()
    latencies.sort()
    return {"p50_ms": round(latencies[len(latencies) // 2], 1), "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))], 1)}


def main() -> None:
    if len(sys.argv) == 2:  # one interval, in a process of its own
        print(json.dumps(asyncio.run(measure(float(sys.argv[1])))))
        return
    results = {}
    for name, interval in (("default", DEFAULT_S), ("station", SWITCH_INTERVAL_S)):
        print(f"{WRITES} durable writes on a thread at a {interval * 1000:g} ms switch interval", flush=True)
        answer = subprocess.run([sys.executable, __file__, str(interval)], capture_output=True, text=True, check=True)
        results |= {f"{name}_{key}": value for key, value in json.loads(answer.stdout.splitlines()[-1]).items()}
    print(json.dumps({"writes": WRITES, "default_interval_ms": DEFAULT_S * 1000,
                      "station_interval_ms": SWITCH_INTERVAL_S * 1000, **results}))


if __name__ == "__main__":
    main()
