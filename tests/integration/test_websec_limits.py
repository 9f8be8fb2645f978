"""Rate limits on sign-in codes, link codes and token creation: 10 a minute per client address and per identity,
then 429 with Retry-After (and the same words in chat). Driven over real HTTP against the served station,
behind one trusted proxy hop so each test client can speak from an address of its own."""
from __future__ import annotations

import re

import httpx
import pytest

from adapters.chat.commands import ChatCommands
from adapters.chat.messages import ChatRequest
from bootstrap.app import StationApp
from bootstrap.config import load_config
from domain.reply import ReplyTo
from tests.integration.web_helpers import CSRF, env_for
from tests.standins.comfyui.standin import ComfyUIStandin

ALLOWED = 10


@pytest.fixture
async def served(tmp_path):
    async with ComfyUIStandin() as comfy:
        app = StationApp(load_config(env=env_for(tmp_path, comfy, WEB_TRUSTED_PROXY_HOPS="1"), dotenv=False))
        await app.start()
        try:
            yield app, next(p for p in app.platforms if hasattr(p, "server")).url
        finally:
            await app.stop()


async def sign_in_attempt(url: str, address: str, code: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, headers={"X-Forwarded-For": address}) as http:
        token = CSRF.search((await http.get("/signin")).text).group(1)
        return await http.post("/signin", data={"code": code, "csrf_token": token})


async def test_sign_in_codes_are_limited_per_client_address_and_the_right_code_does_not_get_past(served):
    app, url = served
    station = app.container.use_cases.station()
    user = await station.accounts.user_for("web:alice")
    for _ in range(ALLOWED):
        assert (await sign_in_attempt(url, "203.0.113.7", "WRONGCOD")).status_code == 400
    good = await station.accounts.issue_link_code(user.id)
    refused = await sign_in_attempt(url, "203.0.113.7", good.code)
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert "Too many attempts" in refused.text
    assert (await sign_in_attempt(url, "198.51.100.2", good.code)).status_code == 302  # another address


async def api_client(app, url: str) -> httpx.AsyncClient:
    """An HTTP client with alice's API token (making it is her first token attempt of the minute)."""
    station = app.container.use_cases.station()
    user = await station.accounts.user_for("web:alice")
    _, token = await station.credentials.create_token(user.id, "first")
    return httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"})


async def test_token_creation_is_limited_per_user(served):
    async with await api_client(*served) as http:
        answers = [await http.post("/api/v1/tokens", json={"name": f"t{n}"},
                                   headers={"X-Forwarded-For": f"192.0.2.{n}"}) for n in range(ALLOWED)]
        assert [a.status_code for a in answers] == [201] * (ALLOWED - 1) + [429]
        error = answers[-1].json()["error"]
        assert error["code"] == "too_many_attempts" and int(answers[-1].headers["Retry-After"]) > 0
        assert (await http.post("/api/v1/link-code")).status_code == 201  # another kind of attempt


async def test_link_codes_are_limited_per_user_on_the_web_and_per_identity_in_chat(served):
    app, url = served
    async with await api_client(app, url) as http:
        statuses = [(await http.post("/api/v1/link-code")).status_code for _ in range(ALLOWED + 1)]
    assert statuses == [201] * ALLOWED + [429]
    kit = ChatCommands(app.container.use_cases.station(), url)

    async def link(code: str) -> str:
        replies = await kit.handle(ChatRequest(identity="telegram:77", display_name="Bo", command="link", text=code,
                                               origin=ReplyTo("test")))
        return "\n".join(r.text for r in replies)

    for n in range(ALLOWED):
        assert "unknown, expired or already used" in await link(f"NOPE{n:04d}")
    assert re.search(r"Too many attempts: please wait \d+ seconds", await link("NOPE9999"))
