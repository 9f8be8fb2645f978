"""Previews benchmark: bench/dispatch.py's run without previews, then with 10 preview frames a second per job on
8 workers; the station CPU each preview frame adds, and result delivery still within 50 ms (p99). JSON last."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dispatch import run  # noqa: E402

DELIVERY_GOAL_MS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds-per-job", type=float, default=0.2)
    parser.add_argument("--heavy-jobs", type=int, default=95, help="jobs each of the 10 heavy users submits")
    parser.add_argument("--preview-rate", type=float, default=10.0, help="preview frames a second per job")
    args = parser.parse_args()
    without = asyncio.run(run(argparse.Namespace(**{**vars(args), "preview_rate": 0})))
    print(json.dumps({"without_previews": without}), file=sys.stderr)
    with_previews = asyncio.run(run(args))
    print(json.dumps({"with_previews": with_previews}), file=sys.stderr)
    frames = with_previews["preview_frames_per_job"]
    added = with_previews["station_cpu_ms_per_job"] - without["station_cpu_ms_per_job"]
    print(json.dumps({
        "workers": args.workers, "preview_rate": args.preview_rate, "preview_frames_per_job": frames,
        "cpu_ms_per_job_without": without["station_cpu_ms_per_job"],
        "cpu_ms_per_job_with": with_previews["station_cpu_ms_per_job"],
        "added_cpu_us_per_frame": round(added * 1000 / frames, 1) if frames else None,
        "delivery_p99_ms_without": without["delivery_p99_ms"], "delivery_p99_ms": with_previews["delivery_p99_ms"],
        "delivery_within_goal": with_previews["delivery_p99_ms"] <= DELIVERY_GOAL_MS,
        "utilization_without": without["utilization"], "utilization": with_previews["utilization"],
        "load_average": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
