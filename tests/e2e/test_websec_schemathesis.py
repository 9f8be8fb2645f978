"""The OpenAPI document against the server, by schemathesis: a bounded run against a real `stationthis run` (with
the stand-in ComfyUI, so jobs finish) and a bearer token. No server error, no answer outside the document (status,
content type, body schema, SSE events), and every 405 names the methods allowed."""
from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.web import free_port, wait_until_up
from bootstrap.commands import opened
from bootstrap.config import load_config
from tests.standins.comfyui.standin import ComfyUIStandin

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
ROOT = Path(__file__).resolve().parents[2]
MAX_SECONDS = 100
# Schema-valid requests the domain refuses for what a schema cannot say (a picture key that is not yours, a picture
# of 1×1 pixels, a job that has no picture yet), and the reverse, are reported but do not fail the run.
SEMANTIC = {"ST201", "ST202"}
# Signing out everywhere would revoke the run's own token halfway.
EXCLUDED = ("DELETE /sessions", "DELETE /sessions/{session_id}")


async def bearer_token(env: dict) -> str:
    async with opened(load_config(env=env, dotenv=False)) as container:
        station = container.use_cases.station()
        user = await station.accounts.user_for("web:fuzzer", display_name="Fuzzer")
        await station.points.grant(user.id, 1_000_000)
        _, token = await station.credentials.create_token(user.id, "schemathesis")
    return token


def where(output: str, codes: set[str]) -> str:
    """The lines of schemathesis's output around each failure of these codes: the request, the answer, a curl."""
    lines = output.splitlines()
    return "\n".join("\n".join(lines[max(0, n - 4):n + 16]) for n, line in enumerate(lines)
                     if any(f"- {code}" in line for code in codes))[:8000]


@pytest.mark.timeout(MAX_SECONDS + 150)
async def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_document(tmp_path):
    async with ComfyUIStandin(step_delay=0.002) as comfy:
        port = free_port()
        env = {"STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "COMFYUI_URLS": comfy.url, "WEB_HOST": "127.0.0.1",
               "WEB_PORT": str(port), "STATIONTHIS_LOG_LEVEL": "WARNING", "STATIONTHIS_PROGRESS_INTERVAL": "0.1"}
        token = await bearer_token(env)
        url = f"http://127.0.0.1:{port}"
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bootstrap", "run", cwd=ROOT, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE, env={**os.environ, **env, "STATIONTHIS_ENV_FILE": os.devnull})
        try:
            await wait_until_up(url, server)
            fuzz = await asyncio.create_subprocess_exec(
                SCHEMATHESIS, "run", f"{url}/api/v1/openapi.json", "--header", f"Authorization: Bearer {token}",
                "--checks", "all", "--max-examples", "10", "--max-time", str(MAX_SECONDS), "--seed", "1",
                "--workers", "2", "--request-timeout", "15", "--generation-database", "none", "--no-color",
                "--report", "json", "--report-dir", str(tmp_path / "report"),
                *[arg for name in EXCLUDED for arg in ("--exclude-name", name)],
                cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
            output = (await asyncio.wait_for(fuzz.communicate(), MAX_SECONDS + 60))[0].decode(errors="replace")
        finally:
            server.terminate()
            log = (await asyncio.wait_for(server.communicate(), 30))[1].decode(errors="replace")
    report = json.loads(next((tmp_path / "report").glob("*.json")).read_text())
    found = Counter({f["code"]: f["count"] for f in report["failures"]})
    print(f"schemathesis: {report['test_cases']['generated']} requests, failures {dict(found)}")
    assert report["operations"]["tested"] >= 50 and report["test_cases"]["generated"] > 500, output[-3000:]
    failing = {code for code in found if code not in SEMANTIC}
    assert failing == set(), where(output, failing)
    assert "unhandled error" not in log, log[-3000:]
