"""The JSON API end to end on the real app: tools, quotes, jobs, uploads, training, library, account."""
from __future__ import annotations

from tests.fakes import png
from tests.integration.web_helpers import (
    finished,
    model_of,
    multipart,
    web_app,  # noqa: F401  (provides the `web` fixture)
)


async def test_me_shows_the_user_their_identities_and_balance(web):
    user, auth = await web.bearer("alice", points=40)
    client = web.quart.test_client()
    me = await (await client.get("/api/v1/me", headers=auth)).get_json()
    assert me == {"id": user.id, "display_name": "Alice", "identities": ["web:alice"], "balance": 40}


async def test_tools_list_the_catalogue_with_typed_parameters(web):
    _, auth = await web.bearer("alice")
    client = web.quart.test_client()
    tools = {t["name"]: t for t in (await (await client.get("/api/v1/tools", headers=auth)).get_json())["tools"]}
    assert {"txt2img", "img2img", "train_lora"} <= set(tools)
    steps = next(p for p in tools["txt2img"]["params"] if p["name"] == "steps")
    assert (steps["type"], steps["min"], steps["max"], steps["default"]) == ("int", 1, 100, 20)


async def test_a_quote_prices_the_values_and_charges_nothing(web):
    user, auth = await web.bearer("alice", points=50)
    client = web.quart.test_client()
    answer = await client.post("/api/v1/tools/txt2img/quote", headers=auth,
                               json={"params": {"prompt": "a fox", "steps": 10, "width": 512, "height": 512}})
    quote = await answer.get_json()
    assert answer.status_code == 200
    assert quote["price"] == 3 + round(0.75 * 0.262144 * 10 + 0.5)  # base + rate x megapixels x steps, rounded up
    assert quote["balance"] == 50 and quote["affordable"] is True
    assert await web.balance(user) == 50


async def test_a_job_is_charged_its_quote_runs_and_lands_in_the_gallery(web):
    user, auth = await web.bearer("alice", points=50)
    client = web.quart.test_client()
    quote = await (await client.post("/api/v1/tools/txt2img/quote", headers=auth,
                                     json={"params": {"prompt": "a fox", "steps": 4}})).get_json()
    answer = await client.post("/api/v1/tools/txt2img/jobs", headers=auth,
                               json={"params": {"prompt": "a fox", "steps": 4}, "request_key": "k1"})
    assert answer.status_code == 201
    job = await finished(client, (await answer.get_json())["id"], auth)
    assert job["state"] == "succeeded" and job["price"] == quote["price"]
    assert await web.balance(user) == 50 - quote["price"]
    picture = await client.get(job["outputs"][0]["url"], headers=auth)
    assert picture.status_code == 200 and picture.content_type == "image/png"
    gallery = await (await client.get("/api/v1/jobs?state=succeeded", headers=auth)).get_json()
    assert [j["id"] for j in gallery["jobs"]] == [job["id"]] and gallery["next_offset"] is None


async def test_the_same_request_key_twice_makes_one_job_and_one_charge(web):
    user, auth = await web.bearer("alice", points=50)
    client = web.quart.test_client()
    body = {"params": {"prompt": "twice", "steps": 2}, "request_key": "double-click"}
    first = await (await client.post("/api/v1/tools/txt2img/jobs", headers=auth, json=body)).get_json()
    second = await (await client.post("/api/v1/tools/txt2img/jobs", headers=auth, json=body)).get_json()
    assert first["id"] == second["id"]
    await finished(client, first["id"], auth)
    assert await web.balance(user) == 50 - first["price"]


async def test_the_job_list_pages_with_limit_and_offset(web):
    _, auth = await web.bearer("alice", points=200)
    client = web.quart.test_client()
    for n in range(3):
        await client.post("/api/v1/tools/txt2img/jobs", headers=auth, json={"params": {"prompt": f"p{n}", "steps": 1}})
    first = await (await client.get("/api/v1/jobs?limit=2", headers=auth)).get_json()
    rest = await (await client.get(f"/api/v1/jobs?limit=2&offset={first['next_offset']}", headers=auth)).get_json()
    assert len(first["jobs"]) == 2 and len(rest["jobs"]) == 1 and rest["next_offset"] is None
    assert [j["params"]["prompt"] for j in first["jobs"] + rest["jobs"]] == ["p2", "p1", "p0"]


async def test_an_uploaded_picture_feeds_an_image_tool_and_follow_ups_work(web):
    _, auth = await web.bearer("alice", points=200)
    client = web.quart.test_client()
    body, headers = multipart([("image", "in.png", png())])
    upload = await client.post("/api/v1/uploads", headers={**auth, **headers}, data=body)
    assert upload.status_code == 201
    key = (await upload.get_json())["key"]
    answer = await client.post("/api/v1/tools/img2img/jobs", headers=auth,
                               json={"params": {"image": key, "prompt": "redrawn", "steps": 2}})
    job = await finished(client, (await answer.get_json())["id"], auth)
    assert job["state"] == "succeeded"
    again = await client.post(f"/api/v1/jobs/{job['id']}/reroll", headers=auth)
    assert again.status_code == 201
    rerolled = await finished(client, (await again.get_json())["id"], auth)
    assert rerolled["parent_id"] == job["id"] and rerolled["params"]["image"] == key


async def test_live_events_stream_the_job_until_it_ends(web):
    _, auth = await web.bearer("alice", points=50)
    client = web.quart.test_client()
    made = await (await client.post("/api/v1/tools/txt2img/jobs", headers=auth,
                                    json={"params": {"prompt": "live", "steps": 3}})).get_json()
    answer = await client.get(f"/api/v1/jobs/{made['id']}/events", headers=auth)
    text = await answer.get_data(as_text=True)
    assert answer.content_type.startswith("text/event-stream")
    assert text.count("event: job") >= 1 and '"state": "succeeded"' in text.replace('":"', '": "')


async def test_cancelling_a_queued_job_refunds_it(web):
    _, auth = await web.bearer("alice", points=100)
    client = web.quart.test_client()
    web.comfy.step_delay = 0.2  # the two slots stay busy while the third job waits in line
    ids = [(await (await client.post("/api/v1/tools/txt2img/jobs", headers=auth, json={
        "params": {"prompt": f"slow {n}", "steps": 20}})).get_json())["id"] for n in range(3)]
    cancelled = await (await client.post(f"/api/v1/jobs/{ids[2]}/cancel", headers=auth)).get_json()
    assert cancelled["state"] == "cancelled" and cancelled["refunded"] is True
    web.comfy.step_delay = 0.001
    history = await (await client.get("/api/v1/points", headers=auth)).get_json()
    assert history["entries"][0]["kind"] == "refund"


async def test_a_dataset_is_built_captioned_quoted_trained_and_its_model_appears(web):
    user, auth = await web.bearer("alice", points=500)
    client = web.quart.test_client()
    assert (await client.post("/api/v1/datasets", headers=auth, json={"name": "cat"})).status_code == 201
    body, headers = multipart([("images", f"{n}.png", png(color=(n * 40, 90, 90))) for n in range(4)])
    answer = await client.post("/api/v1/datasets/cat/images", headers={**auth, **headers}, data=body)
    dataset = await answer.get_json()
    assert answer.status_code == 201 and len(dataset["images"]) == 4
    assert any("no caption" in p for p in dataset["problems"])
    for number in range(1, 5):
        await client.put(f"/api/v1/datasets/cat/images/{number}/caption", headers=auth, json={"caption": f"cat {number}"})
    dataset = await (await client.put("/api/v1/datasets/cat/trigger", headers=auth, json={"trigger": "mycat"})).get_json()
    assert dataset["problems"] == []
    quote = await (await client.post("/api/v1/datasets/cat/quote", headers=auth,
                                     json={"params": {"steps": 10}})).get_json()
    run = await (await client.post("/api/v1/datasets/cat/runs", headers=auth, json={"params": {"steps": 10}})).get_json()
    assert run["state"] == "draft" and run["price"] == quote["price"] and await web.balance(user) == 500
    run = await (await client.post(f"/api/v1/runs/{run['id']}/confirm", headers=auth)).get_json()
    job = await finished(client, run["job"]["id"], auth)
    assert job["state"] == "succeeded" and await web.balance(user) == 500 - quote["price"]
    run = await (await client.get(f"/api/v1/runs/{run['id']}", headers=auth)).get_json()
    models = (await (await client.get("/api/v1/models", headers=auth)).get_json())["models"]
    assert run["state"] == "completed" and [m["id"] for m in models] == [run["model_id"]]
    download = await client.get(models[0]["download_url"], headers=auth)
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]


async def test_models_are_shared_unshared_and_published(web):
    alice, auth = await web.bearer("alice")
    bob, bob_auth = await web.bearer("bob")
    model = await model_of(web, alice)
    client = web.quart.test_client()
    assert (await (await client.get("/api/v1/models", headers=bob_auth)).get_json())["models"] == []
    shared = await (await client.post(f"/api/v1/models/{model.id}/shares", headers=auth,
                                      json={"identity": "web:bob"})).get_json()
    assert shared["shared_with"] == [bob.id] and shared["visibility"] == "shared"
    assert [m["id"] for m in (await (await client.get("/api/v1/models", headers=bob_auth)).get_json())["models"]] \
        == [model.id]
    await client.delete(f"/api/v1/models/{model.id}/shares/{bob.id}", headers=auth)
    assert (await (await client.get("/api/v1/models", headers=bob_auth)).get_json())["models"] == []
    public = await (await client.put(f"/api/v1/models/{model.id}/visibility", headers=auth,
                                     json={"visibility": "public"})).get_json()
    assert public["visibility"] == "public"
    assert len((await (await client.get("/api/v1/models", headers=bob_auth)).get_json())["models"]) == 1


async def test_collections_gather_results_and_share_by_user_and_by_link(web):
    _, auth = await web.bearer("alice", points=50)
    _, bob_auth = await web.bearer("bob")
    client = web.quart.test_client()
    made = await (await client.post("/api/v1/tools/txt2img/jobs", headers=auth,
                                    json={"params": {"prompt": "keep", "steps": 1}})).get_json()
    job = await finished(client, made["id"], auth)
    made = await (await client.post("/api/v1/collections", headers=auth, json={"name": "Best"})).get_json()
    cid = made["id"]
    added = await client.post(f"/api/v1/collections/{cid}/items", headers=auth,
                              json={"kind": "image", "ref": job["outputs"][0]["key"]})
    assert added.status_code == 201 and len((await added.get_json())["items"]) == 1
    assert (await client.get(f"/api/v1/collections/{cid}", headers=bob_auth)).status_code == 404
    await client.post(f"/api/v1/collections/{cid}/shares", headers=auth, json={"identity": "web:bob"})
    seen = await (await client.get(f"/api/v1/collections/{cid}", headers=bob_auth)).get_json()
    assert seen["name"] == "Best" and seen["editable"] is False
    assert (await client.get(f"/collections/{cid}/items/1", headers=bob_auth)).status_code == 200
    linked = await (await client.post(f"/api/v1/collections/{cid}/link", headers=auth, json={"days": 1})).get_json()
    anonymous = web.quart.test_client()
    page = await anonymous.get(f"/shared/{linked['link']['token']}")
    assert page.status_code == 200 and "Best" in await page.get_data(as_text=True)
    assert (await anonymous.get(f"/shared/{linked['link']['token']}/items/1")).status_code == 200


async def test_points_history_and_settings_round_trip(web):
    _, auth = await web.bearer("alice", points=30)
    client = web.quart.test_client()
    points = await (await client.get("/api/v1/points", headers=auth)).get_json()
    assert points["balance"] == 30 and [(e["kind"], e["amount"]) for e in points["entries"]] == [("grant", 30)]
    changed = await (await client.patch("/api/v1/settings", headers=auth, json={"values": {"steps": 12}})).get_json()
    assert changed["settings"]["steps"] == {"value": 12, "chosen": True}
    quote = await (await client.post("/api/v1/tools/txt2img/quote", headers=auth,
                                     json={"params": {"prompt": "x"}})).get_json()
    assert quote["values"]["steps"] == 12
    reset = await (await client.delete("/api/v1/settings", headers=auth)).get_json()
    assert reset["settings"]["steps"] == {"value": 20, "chosen": False}


async def test_a_link_code_from_the_web_joins_a_chat_account(web):
    user, auth = await web.bearer("alice")
    client = web.quart.test_client()
    code = await (await client.post("/api/v1/link-code", headers=auth)).get_json()
    joined = await web.station.accounts.redeem("telegram:777", code["code"])
    me = await (await client.get("/api/v1/me", headers=auth)).get_json()
    assert joined.id == user.id and sorted(me["identities"]) == ["telegram:777", "web:alice"]
