"""Visibility attacks beyond 'private': a link outliving a change to 'shared', pictures behind a dead link, and
a collection telling people about a model they may not see; checked on the web, the API and in chat."""
from __future__ import annotations

from adapters.chat.commands import ChatCommands
from adapters.chat.messages import ChatRequest
from domain.reply import ReplyTo
from tests.integration.web_helpers import (
    finished,
    model_of,
    web_app,  # noqa: F401  (provides the `web` fixture)
)


async def chat_view(web, identity: str, collection: str) -> str:
    replies = await ChatCommands(web.station, "https://station.example").handle(ChatRequest(
        identity=identity, display_name="Bob", command="collections", text=f"view {collection}",
        origin=ReplyTo("test")))
    return "\n".join(r.text for r in replies)


async def test_choosing_shared_after_link_kills_the_link_and_link_again_makes_a_new_one(web):
    alice, auth = await web.bearer("alice", points=50)
    client, anonymous = web.quart.test_client(), web.quart.test_client()
    made = await (await client.post("/api/v1/tools/txt2img/jobs", headers=auth,
                                    json={"params": {"prompt": "fox", "steps": 1}})).get_json()
    key = (await finished(client, made["id"], auth))["outputs"][0]["key"]
    collection = await web.station.collections.create(alice.id, "Foxes")
    await web.station.collections.add(alice.id, collection.id, "image", key)
    old = (await (await client.put(f"/api/v1/collections/{collection.id}/visibility", headers=auth,
                                   json={"visibility": "link"})).get_json())["link"]["token"]
    assert (await anonymous.get(f"/shared/{old}/items/1")).status_code == 200
    shared = await client.put(f"/api/v1/collections/{collection.id}/visibility", headers=auth,
                              json={"visibility": "shared"})
    assert (await shared.get_json())["link"] is None
    for path in (f"/shared/{old}", f"/shared/{old}/items/1"):
        assert (await anonymous.get(path)).status_code == 404, path
    again = await (await client.put(f"/api/v1/collections/{collection.id}/visibility", headers=auth,
                                    json={"visibility": "link"})).get_json()
    assert again["link"]["token"] != old and (await anonymous.get(f"/shared/{old}")).status_code == 404
    assert (await anonymous.get(f"/shared/{again['link']['token']}")).status_code == 200


async def test_a_collection_does_not_name_a_model_its_viewer_may_not_see(web):
    alice = await web.user("alice")
    bob = await web.client("bob")
    model = await model_of(web, alice, "secretcat")
    collection = await web.station.collections.create(alice.id, "Mine")
    await web.station.collections.add(alice.id, collection.id, "model", model.id)
    await web.station.collections.share(alice.id, collection.id, bob.user.id)
    page = await (await bob.get(f"/collections/{collection.id}")).get_data(as_text=True)
    assert "secretcat" not in page and "(not available)" in page
    await web.station.models.share(alice.id, model.id, bob.user.id)
    assert "secretcat" in await (await bob.get(f"/collections/{collection.id}")).get_data(as_text=True)


async def test_private_ends_access_in_chat_too(web):
    alice, bob = await web.user("alice"), await web.user("bob")
    collection = await web.station.collections.create(alice.id, "Holiday")
    await web.station.collections.share(alice.id, collection.id, bob.id)
    assert "'Holiday'" in await chat_view(web, "web:bob", collection.id)
    await web.station.collections.set_visibility(alice.id, collection.id, "private")
    assert "No collection" in await chat_view(web, "web:bob", collection.id)
