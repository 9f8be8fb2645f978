"""`stationthis run --demo` as a real process, and what `run` says when no worker answers."""
from __future__ import annotations

import re
import signal
import subprocess
import time

import httpx

from tests.integration.test_operator_cli import STATIONTHIS, environment


def run_until_running(tmp_path, *args: str) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen([STATIONTHIS, "run", *args], cwd=tmp_path, env=environment(tmp_path),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen, deadline = [], time.monotonic() + 60
    while time.monotonic() < deadline and not any("is running" in line for line in seen):
        if not (line := process.stdout.readline()):
            break
        seen.append(line)
    return process, seen


def stop(process: subprocess.Popen, seen: list[str]) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        assert process.wait(timeout=30) == 0, "".join(seen)
    finally:
        if process.poll() is None:
            process.kill()
    return "".join(seen) + process.stdout.read()


def test_run_demo_serves_the_web_with_the_demo_worker_as_its_one_healthy_worker(tmp_path):
    process, seen = run_until_running(tmp_path, "--demo")
    try:
        log = "".join(seen)
        url = re.search(r"web interface at (http://127\.0\.0\.1:\d+) started", log).group(1)
        health = httpx.get(f"{url}/healthz", timeout=10).json()
        signin = httpx.get(f"{url}/signin", timeout=10).text
    finally:
        log = stop(process, seen)
    assert health["status"] == "ok" and [w["healthy"] for w in health["workers"]] == [True]
    assert re.search(r"demo worker at http://127\.0\.0\.1:\d+: it draws labelled demo pictures", log)
    assert f"demo: open {url} and press 'Try the demo'" in log and "Try the demo" in signin
    assert "/link" not in log  # no bot here, nothing about codes from one
    assert "1 of 1 ComfyUI workers healthy" in log and "no ComfyUI worker answers" not in log
    assert "Traceback" not in log and log.rstrip().endswith("stopped cleanly")


def test_run_without_a_worker_warns_once_how_to_connect_one_or_try_the_demo(tmp_path):
    process, seen = run_until_running(tmp_path)
    log = stop(process, seen)
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    assert len(warnings) == 1, log
    assert "no ComfyUI worker answers at http://127.0.0.1:9" in warnings[0]
    assert "COMFYUI_URLS" in warnings[0] and "stationthis run --demo" in warnings[0]
    assert "sign in with a code from 'stationthis web login-code IDENTITY'" in log and "/link" not in log
