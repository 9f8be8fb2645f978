"""Malformed input never gives a 500: bytes that are not UTF-8, lone surrogates, deep nesting, huge numbers and
control characters answer 400 naming the field, change nothing and charge nothing."""
from __future__ import annotations

import re

import pytest

from tests.integration.web_helpers import (
    csrf_of,
    web_app,  # noqa: F401  (provides the `web` fixture)
)

JSON = {"Content-Type": "application/json"}


async def json_routes(web) -> list[tuple[str, str]]:
    """Every API operation the OpenAPI document says takes a JSON body, with its path parameters filled in."""
    document = await (await web.quart.test_client().get("/api/v1/openapi.json")).get_json()
    return [(method.upper(), "/api/v1" + re.sub(r"{(number|item)}", "1", path).replace("{name}", "cat")
             .replace("{tool}", "txt2img"))
            for path, methods in document["paths"].items() for method, operation in methods.items()
            if "application/json" in operation.get("requestBody", {}).get("content", {})]


async def error_of(answer) -> dict:
    return (await answer.get_json())["error"]


async def test_a_body_that_is_not_utf8_is_400_on_every_json_route(web):
    user, auth = await web.bearer("alice", points=100)
    await web.station.training.create(user.id, "cat")
    client = web.quart.test_client()
    routes = await json_routes(web)
    assert len(routes) > 20
    for method, path in routes:
        answer = await client.open(path, method=method, headers={**auth, **JSON}, data=b'{"name": "\xff\xfe caf\xe9"}')
        assert answer.status_code == 400, f"{method} {path} answered {answer.status_code}"
        error = await error_of(answer)
        assert error["field"] == "body" and "UTF-8" in error["message"], f"{method} {path}"
    assert await web.balance(user) == 100


@pytest.mark.parametrize("raw, field, words", [
    ('{"params": {"prompt": "a fox \\ud800"}}', "params.prompt", "unpaired surrogate"),
    ('{"params": {"\\udfff": "x"}}', "params", "unpaired surrogate"),
    ('{"params": {"prompt": "x", "steps": ' + "9" * 5000 + "}}", "body", "at most 4300 digits"),
    ('{"params": {"prompt": "x", "cfg": NaN}}', "body", "NaN"),
    ('{"params": ' + "[" * 5000 + "]" * 5000 + "}", "body", "nested too deeply"),
    ('{"params": {"prompt": ' + "[" * 40 + "]" * 40 + "}}", "params.prompt" + ".0" * 31, "nested too deeply"),
])
async def test_json_that_python_reads_but_no_text_can_hold_is_400_naming_where(web, raw, field, words):
    user, auth = await web.bearer("alice", points=100)
    answer = await web.quart.test_client().post("/api/v1/tools/txt2img/jobs", data=raw, headers={**auth, **JSON})
    error = await error_of(answer)
    assert answer.status_code == 400 and error["field"] == field and words in error["message"], error
    assert await web.balance(user) == 100 and await web.storage.jobs.of_user(user.id) == []


async def test_lone_surrogates_in_a_caption_or_a_setting_are_400_and_change_nothing(web):
    user, auth = await web.bearer("alice")
    client = web.quart.test_client()
    await web.station.training.create(user.id, "cat")
    for method, path, raw in (("PUT", "/api/v1/datasets/cat/trigger", '{"trigger": "ca\\ud83dt"}'),
                              ("PATCH", "/api/v1/settings", '{"values": {"negative": "\\udc00"}}'),
                              ("POST", "/api/v1/collections", '{"name": "\\ud800"}')):
        answer = await client.open(path, method=method, data=raw, headers={**auth, **JSON})
        assert answer.status_code == 400 and "surrogate" in (await error_of(answer))["message"], path
    assert await web.storage.settings.get(user.id) == {} and await web.station.collections.list(user.id) == []


async def test_a_huge_number_where_a_number_is_wanted_is_400_not_500(web):
    user, auth = await web.bearer("alice")
    collection = await web.station.collections.create(user.id, "Mine")
    answer = await web.quart.test_client().post(f"/api/v1/collections/{collection.id}/link", headers={**auth, **JSON},
                                                data='{"days": ' + "9" * 400 + "}")
    assert answer.status_code == 400 and (await error_of(answer))["field"] == "days"


@pytest.mark.parametrize("name", ["ok\n", "ok\r\n", "tab\there", "nul\u0000", "esc\u001b[2J"])
async def test_names_with_control_characters_are_refused_on_the_api_and_in_forms(web, name):
    user, auth = await web.bearer("alice")
    client = web.quart.test_client()
    for path in ("/api/v1/datasets", "/api/v1/collections"):
        answer = await client.post(path, headers=auth, json={"name": name})
        assert answer.status_code == 400 and (await error_of(answer))["field"] == "name", path
    browser = await web.client("alice")
    answer = await browser.post("/training/datasets", form={"name": name, "csrf_token": await csrf_of(browser)})
    assert answer.status_code == 302 and answer.headers["Location"] != f"/training/datasets/{name}"
    assert await web.station.training.datasets(user.id) == [] and await web.station.collections.list(user.id) == []


async def test_a_signed_in_next_with_line_breaks_is_a_redirect_home_not_a_500(web):
    client = await web.client("alice")
    answer = await client.get("/signin?next=%2F%0D%0ALocation%3A%20https%3A%2F%2Fevil.example")
    assert answer.status_code == 302 and answer.headers["Location"] == "/make"
