"""Shared by the web tests: the real app (SQLite in tmp_path, stand-in ComfyUI) and signed-in clients."""
from __future__ import annotations

import asyncio
import json
import re
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from bootstrap.app import StationApp
from bootstrap.config import load_config
from domain.training import Model
from tests.fakes import png  # noqa: F401  (re-exported for the web tests)
from tests.plain_words import leaks
from tests.standins.comfyui.standin import ComfyUIStandin

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Web:
    app: StationApp
    comfy: ComfyUIStandin

    @property
    def station(self):
        return self.app.container.use_cases.station()

    @property
    def storage(self):
        return self.app.container.infra.storage()

    @property
    def runner(self):
        return self.app.container.use_cases.runner()

    @property
    def platform(self):
        return next(p for p in self.app.platforms if hasattr(p, "app"))

    @property
    def quart(self):
        return self.platform.app

    async def user(self, name: str, points: int = 0):
        user = await self.station.accounts.user_for(f"web:{name}", display_name=name.capitalize())
        if points:
            await self.station.points.grant(user.id, points)
        return user

    async def client(self, name: str, points: int = 0):
        """A browser-like test client signed in as web:NAME with a one-time code."""
        user = await self.user(name, points)
        client = self.quart.test_client()
        token = await csrf_of(client, "/signin")
        code = await self.station.accounts.issue_link_code(user.id)
        answer = await client.post("/signin", form={"code": code.code, "csrf_token": token, "next": "/make"})
        assert answer.status_code == 302, await answer.get_data(as_text=True)
        client.user = user
        return client

    async def bearer(self, name: str, points: int = 0) -> tuple[object, dict]:
        user = await self.user(name, points)
        _, token = await self.station.credentials.create_token(user.id, "tests")
        return user, {"Authorization": f"Bearer {token}"}

    async def balance(self, user) -> int:
        return await self.station.points.balance(user.id)


def multipart(files: list[tuple[str, str, bytes]], fields: dict | None = None) -> tuple[bytes, dict]:
    """A multipart/form-data body (several files may share a name, which the test client cannot do)."""
    boundary = "stationthis-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in (fields or {}).items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
              f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"
              for name, filename, data in files]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


async def csrf_of(client, path: str = "/settings") -> str:
    page = await client.get(path)
    return CSRF.search(await page.get_data(as_text=True)).group(1)


def env_for(tmp_path, comfy, **extra) -> dict:
    return {"STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "COMFYUI_URLS": comfy.url, "WEB_PORT": "0",
            "STATIONTHIS_PROGRESS_INTERVAL": "0.05", **extra}


@asynccontextmanager
async def serving(tmp_path, standin: dict | None = None, **env):
    """The whole application on a stand-in ComfyUI (made with `standin` options), served on a free port."""
    async with ComfyUIStandin(**{"step_delay": 0.005, **(standin or {})}) as comfy:
        app = StationApp(load_config(env=env_for(tmp_path, comfy, **env), dotenv=False))
        await app.start()
        said = read_error_messages(app.platforms[0].app)
        try:
            yield Web(app, comfy)
        finally:
            await app.stop()
        found = [leak for text in said for leak in leaks(text)]
        assert not found, f"the web told users something internal: {found}"  # plain words on the web too


def read_error_messages(quart) -> list[str]:
    """Every error message the web answers with from now on (API `message` fields, error notices on pages)."""
    said: list[str] = []

    @quart.after_request
    async def note(response):
        if response.status_code >= 400 and response.mimetype == "application/json":
            body = json.loads(await response.get_data())
            said.append(str(body.get("error", {}).get("message", "")) if isinstance(body, dict) else "")
        elif response.status_code >= 400 and response.mimetype == "text/html":
            said.extend(re.findall(r'class="notice error"[^>]*>([^<]*)', (await response.get_data()).decode()))
        return response

    return said


@pytest.fixture(name="web")
async def web_app(tmp_path):
    """The whole application, served on a free port, with the test client at hand."""
    async with serving(tmp_path, STATIONTHIS_MAX_UPLOAD_BYTES="200000") as web:
        yield web


async def finished(client, job_id: str, headers: dict | None = None, tries: int = 200) -> dict:
    """Poll the API until the job ends."""
    for _ in range(tries):
        job = await (await client.get(f"/api/v1/jobs/{job_id}", headers=headers or {})).get_json()
        if job["terminal"]:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {job}")


async def model_of(web: Web, owner, name: str = "owl"):
    """A trained model stored the way a finished training stores it."""
    model = Model(id=f"model-{name}-{owner.id[:8]}", owner=owner.id, name=name, filename=f"{name}.safetensors",
                  blob=f"results/{name}{owner.id[:6]}/0.safetensors", trigger=name, created_at=1.0, size=4)
    await web.app.container.infra.blobs().put(model.blob, b"LORA")
    await web.storage.models.add(model)
    return model
