"""The ComfyUI worker extension's routes, mounted on aiohttp the way ComfyUI's PromptServer mounts custom routes."""
from __future__ import annotations

import hashlib
import os
import time

import httpx
import pytest
from aiohttp import web

from adapters.comfyui.worker_extension.handler import add_routes
from adapters.comfyui.worker_extension.signing import signature
from tests.bounded import bounded

SECRET = "s3cret-shared-with-the-station"
LORA = b"\x08\x00\x00\x00\x00\x00\x00\x00{}      " + os.urandom(4096)


@pytest.fixture
async def worker(tmp_path):
    """An aiohttp app with the extension's routes both bare and under /api (PromptServer.add_routes)."""
    secret = {"value": SECRET}
    routes = web.RouteTableDef()
    add_routes(routes, lambda folder: str(tmp_path / "models" / folder), lambda: secret["value"])
    app = web.Application()
    app.add_routes([web.route(r.method, "/api" + r.path, r.handler) for r in routes])
    app.add_routes(routes)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        yield http, tmp_path / "models" / "loras", secret
    await runner.cleanup()


async def put(http, name: str, body: bytes, sha: str | None = None, stamp: int | None = None, key: str = SECRET,
              prefix: str = "", signed_sha: str | None = None):
    sha = sha or hashlib.sha256(body).hexdigest()
    stamp = str(stamp if stamp is not None else int(time.time()))
    path = f"/stationthis/v1/models/loras/{name}"
    headers = {"X-StationThis-SHA256": sha, "X-StationThis-Time": stamp,
               "X-StationThis-Signature": signature(key, "PUT", path, signed_sha or sha, stamp)}
    return await http.put(prefix + path, content=body, headers=headers)


@bounded()
async def test_a_signed_file_is_written_into_models_loras_and_a_second_delivery_is_a_no_op(worker):
    http, loras, _ = worker
    first = await put(http, "st_abc_10_steps_00001_.safetensors", LORA)
    again = await put(http, "st_abc_10_steps_00001_.safetensors", LORA, prefix="/api")
    assert (first.status_code, first.json()) == (201, {"status": "written", "size": len(LORA)})
    assert (again.status_code, again.json()["status"]) == (200, "present")
    assert (loras / "st_abc_10_steps_00001_.safetensors").read_bytes() == LORA
    assert os.listdir(loras) == ["st_abc_10_steps_00001_.safetensors"]


@bounded()
async def test_a_tampered_or_truncated_file_is_rejected_by_hash_and_leaves_nothing_behind(worker):
    http, loras, _ = worker
    announced = hashlib.sha256(LORA).hexdigest()
    tampered = await put(http, "x.safetensors", LORA[:-1] + bytes([LORA[-1] ^ 0xFF]), sha=announced)
    truncated = await put(http, "x.safetensors", LORA[:100], sha=announced)
    assert tampered.status_code == truncated.status_code == 422
    assert "SHA-256" in tampered.json()["status"]
    assert os.listdir(loras) == []  # no partial file either


@bounded()
@pytest.mark.parametrize("change", ["wrong secret", "old stamp", "another file than the one signed"])
async def test_an_unsigned_or_replayed_delivery_is_refused(worker, change):
    http, loras, _ = worker
    if change == "wrong secret":
        answer = await put(http, "x.safetensors", LORA, key="guess")
    elif change == "old stamp":
        answer = await put(http, "x.safetensors", LORA, stamp=int(time.time()) - 3600)
    else:
        answer = await put(http, "x.safetensors", LORA, signed_sha=hashlib.sha256(b"other").hexdigest())
    assert answer.status_code == 401 and not loras.exists()


@bounded()
@pytest.mark.parametrize("name", ["..safetensors", ".hidden.safetensors", "model.ckpt", "a%2F..%2Fb.safetensors"])
async def test_only_plain_safetensors_names_are_accepted(worker, name):
    http, loras, _ = worker
    answer = await put(http, name, LORA)
    assert answer.status_code in (400, 404) and not loras.exists()


@bounded()
async def test_another_file_under_the_same_name_is_a_conflict_and_the_first_stays(worker):
    http, loras, _ = worker
    await put(http, "mine.safetensors", LORA)
    answer = await put(http, "mine.safetensors", LORA + b"more")
    assert answer.status_code == 409 and (loras / "mine.safetensors").read_bytes() == LORA


@bounded()
async def test_without_a_secret_on_the_worker_nothing_is_accepted_and_hello_says_so(worker):
    http, loras, secret = worker
    secret["value"] = ""
    hello = (await http.get("/stationthis/v1/hello")).json()
    answer = await put(http, "x.safetensors", LORA, key="")
    assert hello == {"extension": "stationthis", "version": 1, "folders": ["loras"], "secret_set": False}
    assert answer.status_code == 503 and not loras.exists()
