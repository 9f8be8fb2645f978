"""Bad input gets a clear error naming what was wrong, and changes and charges nothing."""
from __future__ import annotations

import os
import time

from domain.identity import LinkCode
from tests.fakes import png
from tests.integration.web_helpers import (
    csrf_of,
    multipart,
    web_app,  # noqa: F401  (provides the `web` fixture)
)

LIMIT = 200_000  # STATIONTHIS_MAX_UPLOAD_BYTES in the fixture


async def error_of(answer) -> dict:
    return (await answer.get_json())["error"]


async def test_an_upload_over_the_limit_is_413_with_the_limit_and_nothing_is_stored(web):
    user, auth = await web.bearer("alice")
    client = web.quart.test_client()
    blobs = web.app.container.infra.blobs()
    before = await blobs.keys()
    for size in (LIMIT + 1, LIMIT * 3):  # just over the per-file limit, and over the whole request limit
        body, headers = multipart([("image", "big.png", os.urandom(size))])
        answer = await client.post("/api/v1/uploads", headers={**auth, **headers}, data=body)
        assert answer.status_code == 413
        assert (await error_of(answer))["message"] == "That upload is too large: the limit is 0.2 MB per file."
    await web.station.training.create(user.id, "cat")
    body, headers = multipart([("images", "big.png", os.urandom(LIMIT * 3))])
    answer = await client.post("/api/v1/datasets/cat/images", headers={**auth, **headers}, data=body)
    assert answer.status_code == 413
    assert await blobs.keys() == before and (await web.station.training.dataset(user.id, "cat")).images == ()


async def test_a_page_upload_over_the_limit_shows_the_limit(web):
    client = await web.client("alice")
    await web.station.training.create(client.user.id, "cat")
    token = await csrf_of(client, "/training/datasets/cat")
    body, headers = multipart([("images", "big.png", os.urandom(LIMIT * 3))], {"csrf_token": token})
    answer = await client.post("/training/datasets/cat/images", headers=headers, data=body)
    assert answer.status_code == 413
    assert "the limit is 0.2 MB per file" in await answer.get_data(as_text=True)


async def test_a_file_that_is_not_an_image_is_refused_with_the_reason(web):
    user, auth = await web.bearer("alice")
    client = web.quart.test_client()
    body, headers = multipart([("image", "notes.png", b"these are not pixels")])
    answer = await client.post("/api/v1/uploads", headers={**auth, **headers}, data=body)
    error = await error_of(answer)
    assert answer.status_code == 400 and error["code"] == "not_an_image" and error["field"] == "image"
    await web.station.training.create(user.id, "cat")
    body, headers = multipart([("images", "a.png", png()), ("images", "notes.txt", b"words")])
    answer = await client.post("/api/v1/datasets/cat/images", headers={**auth, **headers}, data=body)
    error = await error_of(answer)
    assert answer.status_code == 400 and error["message"].startswith("images: notes.txt: ")
    assert "(1 added before it)" in error["message"]


async def test_a_missing_or_forged_csrf_token_is_refused_and_changes_nothing(web):
    client = await web.client("alice")
    for form in ({"steps": "33"}, {"steps": "33", "csrf_token": "forged"}, {"steps": "33", "csrf_token": "fälscht"}):
        answer = await client.post("/settings", form=form)
        assert answer.status_code == 400
        assert "did not come from this site" in await answer.get_data(as_text=True)
    assert await web.storage.settings.get(client.user.id) == {}
    answer = await client.post("/api/v1/datasets", json={"name": "cat"})  # a signed-in browser without the header
    assert answer.status_code == 400 and (await error_of(answer))["field"] == "csrf_token"
    answer = await client.post("/api/v1/datasets", json={"name": "cat"},
                               headers={"X-CSRF-Token": await csrf_of(client)})
    assert answer.status_code == 201


async def test_a_token_from_another_session_is_forged_as_far_as_this_one_is_concerned(web):
    alice, bob = await web.client("alice"), await web.client("bob")
    answer = await alice.post("/settings", form={"steps": "33", "csrf_token": await csrf_of(bob)})
    assert answer.status_code == 400 and await web.storage.settings.get(alice.user.id) == {}


async def test_sign_in_refuses_expired_reused_and_unknown_codes_and_needs_csrf(web):
    user = await web.user("alice")
    client = web.quart.test_client()
    code = await web.station.accounts.issue_link_code(user.id)
    answer = await client.post("/signin", form={"code": code.code})
    assert answer.status_code == 400  # no CSRF token: refused before the code is looked at
    token = await csrf_of(client, "/signin")
    spaced = f"{code.code[:4].lower()}-{code.code[4:].lower()}"
    assert (await client.post("/signin", form={"code": spaced, "csrf_token": token})).status_code == 302
    other = web.quart.test_client()
    token = await csrf_of(other, "/signin")
    await web.storage.link_codes.add(LinkCode(code="OLDCODE2", user_id=user.id, expires_at=time.time() - 1))
    for stale in (code.code, "OLDCODE2", "NOSUCH22"):
        answer = await other.post("/signin", form={"code": stale, "csrf_token": token})
        assert answer.status_code == 400
        assert "unknown, expired or already used" in await answer.get_data(as_text=True)
    assert (await other.get("/make")).status_code == 302


async def test_malformed_json_is_400_naming_the_field_and_charges_nothing(web):
    user, auth = await web.bearer("alice", points=100)
    client = web.quart.test_client()
    cases = [
        ("{not json", "body"), ("[1, 2]", "body"), ('{"params": "steps=3"}', "params"),
        ('{"params": {"prompt": "x", "steps": "many"}}', "steps"),
        ('{"params": {"prompt": "x", "steps": 1000}}', "steps"), ('{"params": {"steps": 3}}', "prompt"),
        ('{"params": {"prompt": "x", "colour": "red"}}', "colour"),
        ('{"params": {"prompt": "x"}, "request_key": 5}', "request_key"),
    ]
    for raw, field in cases:
        answer = await client.post("/api/v1/tools/txt2img/jobs", data=raw,
                                   headers={**auth, "Content-Type": "application/json"})
        error = await error_of(answer)
        assert answer.status_code == 400 and error["field"] == field, (raw, error)
        assert field in error["message"]
    for path, body, field in (("/api/v1/datasets", {"name": 5}, "name"), ("/api/v1/collections", {}, "name"),
                              ("/api/v1/settings", {"values": []}, "values")):
        method = "PATCH" if path.endswith("settings") else "POST"
        answer = await client.open(path, method=method, json=body, headers=auth)
        assert answer.status_code == 400 and (await error_of(answer))["field"] == field
    for query, field in (("limit=0", "limit"), ("limit=lots", "limit"), ("state=bogus", "state")):
        answer = await client.get(f"/api/v1/jobs?{query}", headers=auth)
        assert answer.status_code == 400 and (await error_of(answer))["field"] == field
    assert await web.balance(user) == 100 and await web.storage.jobs.of_user(user.id) == []


async def test_not_enough_points_is_402_with_the_price_and_nothing_is_charged(web):
    user, auth = await web.bearer("alice", points=2)
    client = web.quart.test_client()
    answer = await client.post("/api/v1/tools/txt2img/jobs", headers=auth, json={"params": {"prompt": "x"}})
    error = await error_of(answer)
    assert answer.status_code == 402 and error["balance"] == 2 and error["price"] > 2
    assert await web.balance(user) == 2 and await web.storage.jobs.of_user(user.id) == []


async def test_the_make_form_shows_what_is_wrong_and_keeps_what_was_typed(web):
    client = await web.client("alice", points=100)
    token = await csrf_of(client, "/make/txt2img")
    answer = await client.post("/make/txt2img", form={"csrf_token": token, "prompt": "a fox", "negative": "blurry",
                                                       "steps": "0"})
    page = await answer.get_data(as_text=True)
    assert answer.status_code == 400 and "steps: must be a whole number from 1 to 100" in page
    assert 'value="blurry"' in page and ">a fox</textarea>" in page
    answer = await client.post("/make/txt2img", form={"csrf_token": token, "steps": "5"})
    assert answer.status_code == 400 and "prompt: is required" in await answer.get_data(as_text=True)
    assert await web.balance(client.user) == 100 and await web.storage.jobs.of_user(client.user.id) == []


async def test_dataset_rules_come_back_as_clear_errors(web):
    _, auth = await web.bearer("alice")
    client = web.quart.test_client()
    answer = await client.post("/api/v1/datasets", headers=auth, json={"name": "two words"})
    assert answer.status_code == 400 and "dataset name" in (await error_of(answer))["message"]
    await client.post("/api/v1/datasets", headers=auth, json={"name": "cat"})
    for method, path, body, status, words in (("PUT", "trigger", {"trigger": "has space"}, 400, "trigger word"),
                                              ("PUT", "images/1/caption", {"caption": "x"}, 404, "no image 1"),
                                              ("DELETE", "images/9", None, 404, "no image 9")):
        answer = await client.open(f"/api/v1/datasets/cat/{path}", method=method, headers=auth,
                                   **({"json": body} if body else {}))
        assert answer.status_code == status and words in (await error_of(answer))["message"], path
    answer = await client.post("/api/v1/datasets/cat/runs", headers=auth, json={})
    error = await error_of(answer)
    assert answer.status_code == 409 and any("at least 4" in p for p in error["problems"])


async def test_unknown_tools_and_routes_answer_json_404_on_the_api(web):
    _, auth = await web.bearer("alice")
    client = web.quart.test_client()
    answer = await client.post("/api/v1/tools/paint/quote", headers=auth, json={"params": {}})
    assert answer.status_code == 404 and "Unknown command 'paint'" in (await error_of(answer))["message"]
    answer = await client.get("/api/v1/nothing-here", headers=auth)
    assert answer.status_code == 404 and (await error_of(answer))["code"] == "not_found"
