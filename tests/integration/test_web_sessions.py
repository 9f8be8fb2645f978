"""Sessions and sign-in: cookies, the Telegram Login Widget, the secret key, and the operator's commands."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import stat
import time
from contextlib import redirect_stdout
from dataclasses import replace

from adapters.web.app import create_app
from adapters.web.telegram_login import verified_telegram_user
from bootstrap.cli import main
from bootstrap.config import load_config
from bootstrap.web import SECRET_FILE, secret_key
from tests.integration.web_helpers import (
    csrf_of,
    web_app,  # noqa: F401  (provides the `web` fixture)
)

BOT_TOKEN = "123456:test-token"


def signed(fields: dict, token: str = BOT_TOKEN) -> dict:
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    digest = hmac.new(hashlib.sha256(token.encode()).digest(), check.encode(), hashlib.sha256).hexdigest()
    return {**fields, "hash": digest}


async def test_the_session_cookie_is_signed_httponly_and_samesite(web):
    client = web.quart.test_client()
    anonymous_token = await csrf_of(client, "/signin")
    user = await web.user("alice")
    code = await web.station.accounts.issue_link_code(user.id)
    answer = await client.post("/signin", form={"code": code.code, "csrf_token": anonymous_token})
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie and "Secure" not in cookie
    assert await csrf_of(client) != anonymous_token  # a fresh session at sign-in
    tampered = web.quart.test_client()
    value = cookie.split(";")[0].split("=", 1)[1]
    tampered.set_cookie("localhost", "stationthis_session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert (await tampered.get("/make")).status_code == 302


async def test_signing_out_ends_the_session(web):
    client = await web.client("alice")
    answer = await client.post("/signout", form={"csrf_token": await csrf_of(client)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/signin"
    assert (await client.get("/make")).status_code == 302
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(web):
    for wanted, expected in (("/gallery?page=2", "/gallery?page=2"), ("//evil.example/x", "/make"),
                             ("https://evil.example/", "/make")):
        user = await web.user("alice")
        client = web.quart.test_client()
        token = await csrf_of(client, "/signin")
        code = await web.station.accounts.issue_link_code(user.id)
        answer = await client.post("/signin", form={"code": code.code, "csrf_token": token, "next": wanted})
        assert answer.headers["Location"] == expected


def telegram_app(web):
    extension = web.quart.extensions["stationthis"]
    settings = replace(extension.settings, telegram_bot_token=BOT_TOKEN, telegram_bot_name="station_bot")
    return create_app(web.station, settings)


async def test_the_telegram_widget_signs_in_the_telegram_account_when_its_hash_checks_out(web):
    client = telegram_app(web).test_client()
    page = await (await client.get("/signin?next=/gallery")).get_data(as_text=True)
    assert 'data-telegram-login="station_bot"' in page
    state = await csrf_of(client, "/signin")
    assert f"/auth/telegram?state={state}&amp;next=%2Fgallery" in page
    fields = signed({"id": "4242", "first_name": "Ada", "username": "ada", "auth_date": str(int(time.time()))})
    answer = await client.get("/auth/telegram", query_string={**fields, "state": state, "next": "/gallery"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/gallery"
    me = await (await client.get("/api/v1/me")).get_json()
    assert me["identities"] == ["telegram:4242"] and me["display_name"] == "Ada"


async def test_a_forged_stale_or_cross_site_telegram_sign_in_is_refused(web):
    client = telegram_app(web).test_client()
    state = await csrf_of(client, "/signin")
    now = int(time.time())
    good = signed({"id": "4242", "first_name": "Ada", "auth_date": str(now)})
    cases = [({**good, "id": "1"}, state), (signed({"id": "4242", "auth_date": str(now - 2 * 86400)}), state),
             (signed({"id": "4242", "auth_date": str(now)}, token="999:other-bot"), state), (good, None),
             (good, "someone-elses-state")]
    for fields, sent_state in cases:
        query = {**fields, **({"state": sent_state} if sent_state else {})}
        answer = await client.get("/auth/telegram", query_string=query)
        assert answer.status_code == 400
        assert "Telegram could not confirm this sign-in" in await answer.get_data(as_text=True)
    assert (await client.get("/api/v1/me")).status_code == 401
    assert await web.storage.users.by_identity("telegram:4242") is None


async def test_telegram_sign_in_is_not_found_where_no_bot_is_configured(web):
    answer = await web.quart.test_client().get("/auth/telegram", query_string={"id": "1", "hash": "x"})
    assert answer.status_code == 404


def test_the_widget_check_follows_telegrams_rule():
    now = time.time()
    fields = signed({"id": "7", "first_name": "A", "auth_date": str(int(now))})
    assert verified_telegram_user(fields, BOT_TOKEN, now)["id"] == "7"
    assert verified_telegram_user({**fields, "first_name": "B"}, BOT_TOKEN, now) is None
    assert verified_telegram_user({**fields, "hash": ""}, BOT_TOKEN, now) is None
    assert verified_telegram_user({**fields, "hash": "ünïcode"}, BOT_TOKEN, now) is None
    assert verified_telegram_user(fields, BOT_TOKEN, now + 2 * 86400) is None


def test_an_unset_secret_key_is_generated_once_and_kept_private(tmp_path):
    config = load_config(env={"STATIONTHIS_DATA_DIR": str(tmp_path)}, dotenv=False)
    first = secret_key(config)
    assert len(first) >= 48 and secret_key(config) == first
    assert stat.S_IMODE((tmp_path / SECRET_FILE).stat().st_mode) == 0o600
    configured = load_config(env={"STATIONTHIS_DATA_DIR": str(tmp_path), "WEB_SECRET_KEY": "set-by-operator"},
                             dotenv=False)
    assert secret_key(configured) == "set-by-operator"


async def test_operator_commands_make_a_user_a_sign_in_code_and_an_api_token(web, tmp_path, monkeypatch):
    monkeypatch.setenv("STATIONTHIS_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("STATIONTHIS_ENV_FILE", str(tmp_path / "no.env"))

    async def run(*argv: str) -> list[str]:
        out = io.StringIO()
        with redirect_stdout(out):
            assert await asyncio.to_thread(main, list(argv)) == 0
        return out.getvalue().splitlines()

    created = await run("web", "create-user", "carol")
    assert created[0].startswith("user web:carol (") and "/signin within 10 minutes" in created[1]
    client = web.quart.test_client()
    answer = await client.post("/signin", form={"code": created[-1], "csrf_token": await csrf_of(client, "/signin")})
    assert answer.status_code == 302
    assert (await (await client.get("/api/v1/me")).get_json())["identities"] == ["web:carol"]
    await web.user("dave")
    code = (await run("web", "login-code", "web:dave"))[-1]
    other = web.quart.test_client()
    answer = await other.post("/signin", form={"code": code, "csrf_token": await csrf_of(other, "/signin")})
    assert answer.status_code == 302
    token = (await run("web", "token", "create", "web:carol"))[-1]
    me = await web.quart.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert (await me.get_json())["identities"] == ["web:carol"]
