"""Crash benchmark: K kills of the real `stationthis run` while 3 users' jobs flow to 2 stand-in workers, half
of them failing; then a clean start drains everything. Last line: a JSON object whose counts should all be 0."""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, without installing

from tests.crash.rig import CrashRig  # noqa: E402
from tests.standins.comfyui import ComfyUIStandin  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=25, help="how many times the process is killed (default 25)")
    parser.add_argument("--jobs-per-life", type=int, default=4, help="new requests each life makes (default 4)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the moments of the kills")
    return parser.parse_args()


async def bench(args: argparse.Namespace) -> dict:
    chance = random.Random(args.seed)
    async with ComfyUIStandin(step_delay=0.05) as good, ComfyUIStandin(step_delay=0.05) as bad:
        bad.fail_node("KSampler", "out of memory")
        with tempfile.TemporaryDirectory(prefix="stationthis-crash-") as root:
            rig = CrashRig(Path(root), [good.url, bad.url])
            rig.prepare()
            try:
                for life in range(args.kills):
                    rig.start()
                    await rig.ready()
                    for n in range(args.jobs_per_life):
                        await rig.submit(f"job-{life}-{n}")
                    await rig.submit(f"job-{chance.randrange(life + 1)}-0")  # a user retrying an earlier request
                    await asyncio.sleep(chance.uniform(0.05, 1.0))
                    rig.kill(signal.SIGTERM if life % 5 == 4 else signal.SIGKILL)
                    print(f"kill {life + 1}/{args.kills}", file=sys.stderr, flush=True)
                drain_s = await rig.drain(timeout=120)
                counts = await rig.tally()
            finally:
                rig.kill()
    return {"kills": args.kills, "jobs": counts["jobs"], "lost_refunds": counts["lost_refunds"],
            "double_charges": counts["double_charges"], "stuck_jobs": counts["stuck_jobs"],
            "audit_violations": counts["audit_violations"], "drain_s": round(drain_s, 2)}


def main() -> None:
    print(json.dumps(asyncio.run(bench(parse_args()))), flush=True)


if __name__ == "__main__":
    main()
