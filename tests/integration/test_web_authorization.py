"""Every object is checked against the signed-in user: another user's things answer 404 (403 when
they can see but not change them), and nothing changes or is charged."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from domain.reply import ReplyTo
from domain.training import RunState
from tests.fakes import png
from tests.integration.web_helpers import (
    csrf_of,
    finished,
    model_of,
    web_app,  # noqa: F401  (provides the `web` fixture)
)


@dataclass
class Alices:
    user: object
    job: object
    result: str
    upload: str
    dataset: object
    run: object
    model: object
    collection: object


@pytest.fixture
async def alices(web) -> Alices:
    """Alice's things: a finished job, an upload, a dataset with a drafted run, a model, a collection."""
    station = web.station
    alice = await web.user("alice", points=500)
    job = await station.make_image.submit(alice.id, "txt2img", {"prompt": "mine", "steps": 1},
                                          ReplyTo.of("web", user_id=alice.id))
    client = web.quart.test_client()
    _, auth = await web.bearer("alice")
    job = await finished(client, job.id, auth)
    upload = await station.media.store_input(alice.id, png())
    dataset = await station.training.create(alice.id, "cat")
    for n in range(4):
        dataset = await station.training.add_image(alice.id, "cat", png(color=(n * 50, 10, 10)), f"cat {n}")
    dataset = await station.training.trigger(alice.id, "cat", "mycat")
    run = await station.training.draft(alice.id, "cat", {"steps": 10})
    collection = await station.collections.create(alice.id, "Private")
    collection = await station.collections.add(alice.id, collection.id, "image", job["outputs"][0]["key"])
    return Alices(alice, job, job["outputs"][0]["key"], upload, dataset, run, await model_of(web, alice), collection)


def forbidden_api_calls(a: Alices) -> list[tuple[str, str, dict | None]]:
    job, ds, run, model, col = a.job["id"], a.dataset, a.run.id, a.model.id, a.collection.id
    return [
        ("GET", f"/api/v1/jobs/{job}", None), ("GET", f"/api/v1/jobs/{job}/events", None),
        ("POST", f"/api/v1/jobs/{job}/cancel", None), ("POST", f"/api/v1/jobs/{job}/reroll", None),
        ("POST", f"/api/v1/jobs/{job}/vary", None), ("POST", f"/api/v1/jobs/{job}/upscale", None),
        ("GET", f"/media/{a.result}", None), ("GET", f"/media/{a.upload}", None),
        ("GET", f"/media/{ds.images[0].blob}", None),
        ("GET", f"/api/v1/datasets/{ds.id}", None), ("DELETE", f"/api/v1/datasets/{ds.id}", None),
        ("PUT", f"/api/v1/datasets/{ds.id}/trigger", {"trigger": "stolen"}),
        ("PUT", f"/api/v1/datasets/{ds.id}/images/1/caption", {"caption": "stolen"}),
        ("DELETE", f"/api/v1/datasets/{ds.id}/images/1", None),
        ("POST", f"/api/v1/datasets/{ds.id}/quote", {}), ("POST", f"/api/v1/datasets/{ds.id}/runs", {}),
        ("GET", f"/api/v1/runs/{run}", None), ("POST", f"/api/v1/runs/{run}/confirm", None),
        ("POST", f"/api/v1/runs/{run}/discard", None), ("POST", f"/api/v1/runs/{run}/cancel", None),
        ("GET", f"/api/v1/models/{model}", None), ("GET", f"/models/{model}/download", None),
        ("POST", f"/api/v1/models/{model}/shares", {"identity": "web:bob"}),
        ("PUT", f"/api/v1/models/{model}/visibility", {"visibility": "public"}),
        ("DELETE", f"/api/v1/models/{model}/shares/nobody", None),
        ("GET", f"/api/v1/collections/{col}", None), ("GET", f"/collections/{col}/items/1", None),
        ("POST", f"/api/v1/collections/{col}/items", {"kind": "image", "ref": a.result}),
        ("DELETE", f"/api/v1/collections/{col}/items/1", None),
        ("POST", f"/api/v1/collections/{col}/shares", {"identity": "web:bob"}),
        ("POST", f"/api/v1/collections/{col}/link", {"days": 1}),
        ("PUT", f"/api/v1/collections/{col}/visibility", {"visibility": "public"}),
        ("DELETE", f"/api/v1/collections/{col}", None),
    ]


def forbidden_pages(a: Alices) -> list[tuple[str, str, dict]]:
    job, ds, run, model, col = a.job["id"], a.dataset.id, a.run.id, a.model.id, a.collection.id
    return [
        ("GET", f"/jobs/{job}", {}), ("POST", f"/jobs/{job}/cancel", {}), ("POST", f"/jobs/{job}/reroll", {}),
        ("GET", f"/training/datasets/{ds}", {}), ("POST", f"/training/datasets/{ds}/trigger", {"trigger": "stolen"}),
        ("POST", f"/training/datasets/{ds}/captions", {"caption_1": "stolen"}),
        ("POST", f"/training/datasets/{ds}/images/1/remove", {}), ("POST", f"/training/datasets/{ds}/delete", {}),
        ("POST", f"/training/datasets/{ds}/draft", {}),
        ("GET", f"/training/runs/{run}", {}), ("POST", f"/training/runs/{run}/confirm", {}),
        ("POST", f"/training/runs/{run}/discard", {}), ("POST", f"/training/runs/{run}/cancel", {}),
        ("POST", f"/models/{model}/share", {"identity": "web:bob"}),
        ("POST", f"/models/{model}/visibility", {"visibility": "public"}),
        ("GET", f"/collections/{col}", {}), ("POST", f"/collections/{col}/remove", {"number": "1"}),
        ("POST", f"/collections/{col}/share", {"identity": "web:bob"}), ("POST", f"/collections/{col}/delete", {}),
        ("POST", "/collections/add", {"collection_id": col, "ref": a.result}),
    ]


async def assert_alice_untouched(web, a: Alices) -> None:
    storage = web.storage
    assert (await storage.jobs.get(a.job["id"])).state.value == "succeeded"
    assert await storage.datasets.get(a.dataset.id) == a.dataset
    assert (await storage.runs.get(a.run.id)).state is RunState.DRAFT
    assert await storage.models.get(a.model.id) == a.model
    assert await storage.collections.get(a.collection.id) == a.collection
    assert await web.balance(a.user) == 500 - a.job["price"]
    assert len(await storage.jobs.of_user(a.user.id)) == 1


async def test_every_api_call_on_another_users_things_answers_404_and_changes_nothing(web, alices):
    bob, auth = await web.bearer("bob", points=100)
    client = web.quart.test_client()
    for method, path, body in forbidden_api_calls(alices):
        answer = await client.open(path, method=method, headers=auth, **({"json": body} if body is not None else {}))
        assert answer.status_code == 404, f"{method} {path} answered {answer.status_code}"
    await assert_alice_untouched(web, alices)
    assert await web.balance(bob) == 100 and await web.storage.jobs.of_user(bob.id) == []


async def test_every_page_on_another_users_things_answers_404_and_changes_nothing(web, alices):
    bob = await web.client("bob", points=100)
    token = await csrf_of(bob)
    for method, path, form in forbidden_pages(alices):
        answer = await bob.open(path, method=method, form={**form, "csrf_token": token} if method == "POST" else None)
        assert answer.status_code == 404, f"{method} {path} answered {answer.status_code}"
    await assert_alice_untouched(web, alices)
    assert await web.balance(bob.user) == 100


async def test_another_users_pictures_cannot_feed_my_jobs_or_collections(web, alices):
    bob, auth = await web.bearer("bob", points=100)
    client = web.quart.test_client()
    for key in (alices.upload, alices.result):
        answer = await client.post("/api/v1/tools/img2img/jobs", headers=auth,
                                   json={"params": {"image": key, "prompt": "stolen"}})
        assert answer.status_code == 400 and (await answer.get_json())["error"]["field"] == "image"
    mine = await (await client.post("/api/v1/collections", headers=auth, json={"name": "Mine"})).get_json()
    answer = await client.post(f"/api/v1/collections/{mine['id']}/items", headers=auth,
                               json={"kind": "image", "ref": alices.result})
    assert answer.status_code == 404
    answer = await client.post(f"/api/v1/collections/{mine['id']}/items", headers=auth,
                               json={"kind": "model", "ref": alices.model.id})
    assert answer.status_code == 404
    assert await web.balance(bob) == 100 and await web.storage.jobs.of_user(bob.id) == []


async def test_a_shared_model_is_usable_but_only_its_owner_may_change_its_sharing(web, alices):
    bob, auth = await web.bearer("bob")
    await web.station.models.share(alices.user.id, alices.model.id, bob.id)
    client = web.quart.test_client()
    assert (await client.get(f"/api/v1/models/{alices.model.id}", headers=auth)).status_code == 200
    assert (await client.get(f"/models/{alices.model.id}/download", headers=auth)).status_code == 200
    for method, path, body in (("PUT", "visibility", {"visibility": "public"}),
                               ("POST", "shares", {"identity": "web:bob"}), ("DELETE", f"shares/{bob.id}", None)):
        answer = await client.open(f"/api/v1/models/{alices.model.id}/{path}", method=method, headers=auth,
                                   **({"json": body} if body else {}))
        assert answer.status_code == 403, f"{method} {path}"
    assert (await web.storage.models.get(alices.model.id)).visibility == "shared"


async def test_a_collection_shared_to_view_cannot_be_changed_by_the_viewer(web, alices):
    bob, auth = await web.bearer("bob")
    await web.station.collections.share(alices.user.id, alices.collection.id, bob.id, "view")
    client = web.quart.test_client()
    col = alices.collection.id
    assert (await client.get(f"/api/v1/collections/{col}", headers=auth)).status_code == 200
    assert (await client.get(f"/collections/{col}/items/1", headers=auth)).status_code == 200
    for method, path, body in (("DELETE", "items/1", None), ("POST", "link", {"days": 1}),
                               ("PUT", "visibility", {"visibility": "public"}), ("DELETE", "", None)):
        answer = await client.open(f"/api/v1/collections/{col}/{path}".rstrip("/"), method=method, headers=auth,
                                   **({"json": body} if body else {}))
        assert answer.status_code == 403, f"{method} {path}"
    assert len((await web.storage.collections.get(col)).items) == 1


async def test_without_signing_in_the_api_answers_401_pages_send_to_sign_in_and_files_stay_hidden(web, alices):
    client = web.quart.test_client()
    for method, path, body in forbidden_api_calls(alices):
        answer = await client.open(path, method=method, **({"json": body} if body is not None else {}))
        expected = 404 if not path.startswith("/api/") else 401
        assert answer.status_code == expected, f"{method} {path} answered {answer.status_code}"
    for path in ("/make", "/gallery", "/training/", "/models/", "/collections/", "/points", "/settings",
                 f"/jobs/{alices.job['id']}"):
        answer = await client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/signin?next=")
    await assert_alice_untouched(web, alices)


async def test_a_forged_or_foreign_bearer_token_is_refused(web, alices):
    client = web.quart.test_client()
    _, auth = await web.bearer("alice")
    forged = auth["Authorization"][:-3] + ("abc" if not auth["Authorization"].endswith("abc") else "xyz")
    for header in (forged, "Bearer st1.nonsense", "Bearer " + "x" * 40):
        answer = await client.get("/api/v1/me", headers={"Authorization": header})
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == "Bearer"
