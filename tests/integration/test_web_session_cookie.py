"""The session cookie is verified once and then remembered: still refused past its lifetime, never shared."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.integration.web_helpers import (
    csrf_of,
    web_app,  # noqa: F401  (provides the `web` fixture)
)


async def session_cookie(web, name: str) -> str:
    """The `Cookie` header of a browser signed in as web:NAME that has seen a page (so its CSRF token is set)."""
    client = await web.client(name)
    await csrf_of(client)
    return next(f"{c.name}={c.value}" for c in client.cookie_jar if c.name == "stationthis_session")


async def signed_in(web, cookie: str) -> bool:
    bare = web.quart.test_client(use_cookies=False)
    return (await bare.get("/settings", headers={"Cookie": cookie})).status_code == 200


async def test_a_remembered_cookie_is_refused_once_its_lifetime_is_over(web):
    cookie = await session_cookie(web, "ada")
    web.quart.permanent_session_lifetime = timedelta(seconds=1)
    assert await signed_in(web, cookie) and await signed_in(web, cookie)  # the second time from memory
    await asyncio.sleep(2.2)  # cookie timestamps count whole seconds
    assert not await signed_in(web, cookie)


async def test_what_one_request_puts_in_its_session_does_not_reach_the_same_cookie_sent_again(web):
    cookie = await session_cookie(web, "bo")
    bare = web.quart.test_client(use_cookies=False)
    page = await bare.get("/settings", headers={"Cookie": cookie})
    token = (await page.get_data(as_text=True)).split('name="csrf_token" value="')[1].split('"')[0]
    saved = await bare.post("/settings", form={"csrf_token": token}, headers={"Cookie": cookie})
    assert saved.status_code == 302 and "Set-Cookie" in saved.headers  # its session now holds a message
    again = await (await bare.get("/settings", headers={"Cookie": cookie})).get_data(as_text=True)
    assert "Nothing changed." not in again  # the old cookie still holds only what it held
