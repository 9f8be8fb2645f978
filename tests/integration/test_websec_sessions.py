"""Server-side sessions and API tokens: sign-out ends a session at once, tokens are named, expire, are kept only
as hashes and can be revoked from the web, the API and the CLI; a new WEB_SECRET_KEY revokes everything."""
from __future__ import annotations

import asyncio
import io
import re
import sqlite3
from contextlib import redirect_stdout

from itsdangerous import URLSafeTimedSerializer

from bootstrap.app import StationApp
from bootstrap.cli import main
from bootstrap.config import load_config
from tests.integration.web_helpers import (
    csrf_of,
    env_for,
    web_app,  # noqa: F401  (provides the `web` fixture)
)
from tests.standins.comfyui.standin import ComfyUIStandin

TOKEN = re.compile(r'aria-label="New API token" value="([^"]+)"|value="([^"]+)" aria-label="New API token"')
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


async def signed_in(web, name: str, user_agent: str = FIREFOX):
    """A client signed in with a code, and a copy of its session cookie (as a thief would take it)."""
    user = await web.user(name)
    client = web.quart.test_client()
    token = await csrf_of(client, "/signin")
    code = await web.station.accounts.issue_link_code(user.id)
    answer = await client.post("/signin", form={"code": code.code, "csrf_token": token},
                               headers={"User-Agent": user_agent})
    cookie = answer.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    client.user = user
    return client, cookie


def stolen(web, cookie: str):
    copy = web.quart.test_client()
    copy.set_cookie("localhost", "stationthis_session", cookie)
    return copy


async def test_signing_out_ends_the_session_even_for_a_copied_cookie(web):
    client, cookie = await signed_in(web, "alice")
    thief = stolen(web, cookie)
    assert (await thief.get("/gallery")).status_code == 200
    assert (await thief.get("/api/v1/me")).status_code == 200
    await client.post("/signout", form={"csrf_token": await csrf_of(client)})
    assert (await thief.get("/gallery")).status_code == 302
    assert (await thief.get("/api/v1/me")).status_code == 401
    assert await web.station.credentials.list(client.user.id) == []


async def test_the_sessions_page_lists_sessions_and_revokes_another_browser(web):
    phone, phone_cookie = await signed_in(web, "alice", "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537")
    laptop, _ = await signed_in(web, "alice")
    page = await (await laptop.get("/sessions")).get_data(as_text=True)
    assert "Chrome on Android" in page and "Firefox on Linux" in page and "this browser" in page
    phone_session = next(c for c in await web.station.credentials.list(laptop.user.id) if c.name == "Chrome on Android")
    answer = await laptop.post(f"/sessions/{phone_session.id}/revoke", form={"csrf_token": await csrf_of(laptop)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/sessions"
    assert (await stolen(web, phone_cookie).get("/api/v1/me")).status_code == 401
    assert (await laptop.get("/api/v1/me")).status_code == 200


async def test_an_api_token_made_on_the_web_is_named_expires_and_stops_working_when_revoked(web):
    client, _ = await signed_in(web, "alice")
    answer = await client.post("/sessions/tokens", form={"name": "backup script", "csrf_token": await csrf_of(client)})
    page = await answer.get_data(as_text=True)
    assert answer.status_code == 201 and "backup script" in page
    secret = next(g for g in TOKEN.search(page).groups() if g)
    auth = {"Authorization": f"Bearer {secret}"}
    assert (await web.quart.test_client().get("/api/v1/me", headers=auth)).status_code == 200
    made = next(c for c in await web.station.credentials.list(client.user.id) if c.kind == "token")
    assert made.name == "backup script" and 89.9 < (made.expires_at - made.created_at) / 86400 <= 90
    listed = await (await web.quart.test_client().get("/api/v1/sessions", headers=auth)).get_json()
    assert [(s["name"], s["current"]) for s in listed["sessions"] if s["kind"] == "token"] == [("backup script", True)]
    await client.post(f"/sessions/{made.id}/revoke", form={"csrf_token": await csrf_of(client)})
    assert (await web.quart.test_client().get("/api/v1/me", headers=auth)).status_code == 401


async def test_tokens_are_made_and_revoked_through_the_api_and_an_expired_one_is_refused(web):
    user, auth = await web.bearer("alice")
    client = web.quart.test_client()
    answer = await client.post("/api/v1/tokens", headers=auth, json={"name": "nightly", "days": 0.00001})
    made = await answer.get_json()
    assert answer.status_code == 201 and made["name"] == "nightly" and made["token"].startswith("st2_")
    await asyncio.sleep(1.0)
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {made['token']}"})).status_code == 401
    second = await (await client.post("/api/v1/tokens", headers=auth, json={"name": "second"})).get_json()
    assert (await client.delete(f"/api/v1/sessions/{second['id']}", headers=auth)).status_code == 204
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {second['token']}"})).status_code == 401
    for body, field in (({"name": ""}, "name"), ({"name": "x\u0007y"}, "name"), ({"name": "x", "days": 0}, "days"),
                        ({"name": "x", "days": 99999}, "days"), ({"name": "x", "days": "soon"}, "days")):
        answer = await client.post("/api/v1/tokens", headers=auth, json=body)
        assert answer.status_code == 400 and (await answer.get_json())["error"]["field"] == field, body


async def test_signing_out_everywhere_ends_every_session_and_token(web):
    laptop, _ = await signed_in(web, "alice")
    phone, phone_cookie = await signed_in(web, "alice")
    _, token = await web.station.credentials.create_token(laptop.user.id, "script")
    answer = await laptop.post("/sessions/revoke-all", form={"csrf_token": await csrf_of(laptop)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/signin"
    for client in (laptop, stolen(web, phone_cookie)):
        assert (await client.get("/api/v1/me")).status_code == 401
    assert (await web.quart.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            ).status_code == 401


async def test_secrets_are_stored_only_as_hashes(web, tmp_path):
    client, cookie = await signed_in(web, "alice")
    _, token = await web.station.credentials.create_token(client.user.id, "script")
    session_secret = web.quart.session_interface.get_signing_serializer(web.quart).loads(cookie)["sid"]
    await web.app.stop()
    stored = b"".join(path.read_bytes() for path in (tmp_path / "var").glob("stationthis.sqlite3*"))
    assert stored and token.encode() not in stored and session_secret.encode() not in stored
    with sqlite3.connect(tmp_path / "var" / "stationthis.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM credentials").fetchone()[0] == 2


async def test_a_new_web_secret_key_revokes_every_session_and_token(tmp_path):
    async with ComfyUIStandin() as comfy:
        env = env_for(tmp_path, comfy, WEB_SECRET_KEY="the-first-secret-key")
        first = StationApp(load_config(env=env, dotenv=False))
        await first.start()
        station = first.container.use_cases.station()
        user = await station.accounts.user_for("web:alice")
        _, token = await station.credentials.create_token(user.id, "script")
        secret = await station.credentials.start_session(user.id, "Firefox")
        await first.stop()
        second = StationApp(load_config(env={**env, "WEB_SECRET_KEY": "a-rotated-secret-key"}, dotenv=False))
        await second.start()
        try:
            credentials = second.container.use_cases.station().credentials
            assert await credentials.check(token, "token") is None and await credentials.check(secret, "session") is None
        finally:
            await second.stop()


async def cli(*argv: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = await asyncio.to_thread(main, list(argv))
    return code, out.getvalue().splitlines()


async def test_the_cli_creates_lists_and_revokes_tokens(web, tmp_path, monkeypatch):
    monkeypatch.setenv("STATIONTHIS_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("STATIONTHIS_ENV_FILE", str(tmp_path / "no.env"))
    await web.user("carol")
    code, made = await cli("web", "token", "create", "web:carol", "--name", "cron job", "--days", "30")
    assert code == 0 and made[0].startswith("web:carol (") and "'cron job'" in made[1]
    auth = {"Authorization": f"Bearer {made[-1]}"}
    assert (await web.quart.test_client().get("/api/v1/me", headers=auth)).status_code == 200
    code, listed = await cli("web", "token", "list", "web:carol")
    token_id = made[1].split("(id ")[1].split(")")[0]
    assert code == 0 and any(line.startswith(token_id) and "cron job" in line for line in listed)
    code, revoked = await cli("web", "token", "revoke", "web:carol", token_id)
    assert code == 0 and "revoked token 'cron job'" in revoked[0]
    assert (await web.quart.test_client().get("/api/v1/me", headers=auth)).status_code == 401
    code, _ = await cli("web", "token", "revoke", "web:carol", "--all")
    assert code == 0


async def test_the_cli_makes_no_account_by_accident(web, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STATIONTHIS_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("STATIONTHIS_ENV_FILE", str(tmp_path / "no.env"))
    before = await web.storage.users.all_ids()
    for argv in (("web", "login-code", "web:typo"), ("web", "token", "create", "web:typo"),
                 ("web", "token", "list", "telegram:999")):
        code, out = await cli(*argv)
        error = capsys.readouterr().err.strip().splitlines()
        assert code == 1 and out == [] and len(error) == 1 and "create-user" in error[0] and "/start" in error[0]
    assert await web.storage.users.all_ids() == before


async def test_a_token_of_the_old_signed_kind_is_refused(web):
    user, _ = await web.bearer("alice")
    old = "st1." + URLSafeTimedSerializer(web.quart.secret_key, salt="stationthis.api-token").dumps(user.id)
    answer = await web.quart.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {old}"})
    assert answer.status_code == 401
