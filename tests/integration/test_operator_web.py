"""The web's finishing touches for operators and their users: a favicon and a title on every page."""
from __future__ import annotations

import re

from domain.reply import ReplyTo
from tests.integration.web_helpers import (
    finished,
    model_of,
    web_app,  # noqa: F401  (provides the `web` fixture)
)

TITLE = re.compile(r"<title>(.*?)</title>")


async def test_the_favicon_is_served_at_both_addresses_and_named_by_every_page(web):
    client = web.quart.test_client()
    for path in ("/favicon.ico", "/static/favicon.svg"):
        answer = await client.get(path)
        body = await answer.get_data()
        assert answer.status_code == 200 and answer.mimetype == "image/svg+xml" and body.startswith(b"<svg"), path
    page = await (await client.get("/signin")).get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


async def test_every_page_has_a_title_of_its_own(web):
    client = await web.client("alice", points=100)
    user, station = client.user, web.station
    job = await finished(client, (await station.make_image.submit(
        user.id, "txt2img", {"prompt": "a heron", "steps": 1}, ReplyTo.of("web", user_id=user.id))).id)
    await station.training.create(user.id, "heron")
    await model_of(web, user)
    collection = await station.collections.create(user.id, "Birds")
    pages = {"/make": "Make", "/make/txt2img": "Text to image", f"/jobs/{job['id']}": "Text to image: a heron",
             "/gallery": "Gallery", "/training/": "Training studio", "/training/datasets/heron": "heron",
             "/models/": "Models", "/collections/": "Collections", f"/collections/{collection.id}": "Birds",
             "/points": "Points", "/settings": "Settings", "/nowhere": "404"}
    for path, title in pages.items():
        html = await (await client.get(path)).get_data(as_text=True)
        assert TITLE.findall(html) == [f"{title} · StationThis"], path
    signin = await (await web.quart.test_client().get("/signin")).get_data(as_text=True)
    assert TITLE.findall(signin) == ["Sign in · StationThis"]
