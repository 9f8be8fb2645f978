"""Security headers on every answer, Secure cookies behind https, and redirects that never leave the site."""
from __future__ import annotations

from dataclasses import replace

import httpx

from adapters.web.app import create_app
from tests.integration.web_helpers import (
    csrf_of,
    model_of,
    web_app,  # noqa: F401  (provides the `web` fixture)
)


async def test_every_answer_carries_the_security_headers(web):
    client = await web.client("alice")
    _, auth = await web.bearer("alice")
    for path, headers in (("/make", {}), ("/signin", {}), ("/api/v1/me", auth), ("/healthz", {}),
                          ("/static/style.css", {}), ("/no-such-page", {})):
        answer = await client.get(path, headers=headers)
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
        assert answer.headers["Referrer-Policy"] == "same-origin", path
        assert answer.headers["X-Frame-Options"] == "DENY", path
        policy = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy, path
        if answer.mimetype == "text/html":
            assert "script-src 'self' https://telegram.org" in policy and "base-uri 'none'" in policy
        else:
            assert policy.startswith("default-src 'none'"), path
        assert "Strict-Transport-Security" not in answer.headers


async def test_answers_over_the_network_do_not_name_the_server_software(web):
    async with httpx.AsyncClient(base_url=web.platform.url) as http:
        for path in ("/signin", "/livez", "/no-such-page"):
            answer = await http.get(path)
            assert "server" not in answer.headers, (path, answer.headers.get("server"))


async def test_behind_https_cookies_are_secure_and_browsers_are_told_to_stay_on_https(web):
    settings = replace(web.quart.extensions["stationthis"].settings, public_url="https://station.example")
    client = create_app(web.station, settings).test_client()
    user = await web.user("alice")
    token = await csrf_of(client, "/signin")
    code = await web.station.accounts.issue_link_code(user.id)
    answer = await client.post("/signin", form={"code": code.code, "csrf_token": token})
    assert "Secure" in answer.headers["Set-Cookie"] and "HttpOnly" in answer.headers["Set-Cookie"]
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_a_signed_in_user_is_never_redirected_to_another_site(web):
    client = await web.client("alice")
    for target in ("%2F%09%2Fevil.example%2F", "%2F%2Fevil.example", "%2F%5Cevil.example", "https%3A%2F%2Fevil.example",
                   "%2Fx%0D%0ASet-Cookie%3A%20a%3Db", "%2F%0A%2Fevil.example"):
        answer = await client.get(f"/signin?next={target}")
        assert answer.status_code == 302 and answer.headers["Location"] == "/make", target
    assert (await client.get("/signin?next=%2Fgallery%3Fpage%3D2")).headers["Location"] == "/gallery?page=2"


async def test_a_form_sending_the_browser_back_stays_on_the_site(web):
    client = await web.client("alice")
    collection = await web.station.collections.create(client.user.id, "Mine")
    model = await model_of(web, client.user)
    for back in ("/jobs/\t/evil.example", "/models/\r\nLocation: //evil", "//evil.example/jobs/"):
        answer = await client.post("/collections/add", form={"collection_id": collection.id, "kind": "model",
                                                             "ref": model.id, "back": back,
                                                             "csrf_token": await csrf_of(client)})
        assert answer.status_code == 302 and answer.headers["Location"] == f"/collections/{collection.id}", back


async def test_a_405_names_the_methods_allowed(web):
    _, auth = await web.bearer("alice")
    client = web.quart.test_client()
    for method, path in (("TRACE", "/api/v1/collections"), ("PUT", "/api/v1/jobs"), ("DELETE", "/api/v1/me"),
                         ("PATCH", "/signin")):
        answer = await client.open(path, method=method, headers=auth)
        assert answer.status_code == 405 and answer.headers["Allow"], f"{method} {path}"
    assert set((await client.open("/api/v1/collections", method="TRACE", headers=auth)).headers["Allow"].split(", ")) \
        >= {"GET", "POST"}
