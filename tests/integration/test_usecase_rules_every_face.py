"""Each rule the domain owns, run through every face: the chat kit (as both bots use it), web forms and the API."""
from __future__ import annotations

import asyncio
import html

import pytest

from adapters.chat.commands import ChatCommands
from adapters.chat.messages import ChatRequest
from domain.reply import ReplyTo
from tests.integration.web_helpers import (
    csrf_of,
    finished,
    model_of,
    web_app,  # noqa: F401  (provides the `web` fixture)
)

REFUSED = "You can't share with"


def chat(web):
    return ChatCommands(web.station, "https://station.example")


async def say(kit, identity: str, command: str, text: str = "", sub: str | None = None, **options) -> str:
    """Text after a command as Telegram sends it, or (with `sub`) typed options as Discord sends them."""
    replies = await kit.handle(ChatRequest(identity=identity, display_name="Ada", command=command,
                                           text=None if sub else text, subcommand=sub, options=options,
                                           origin=ReplyTo("test")))
    return "\n".join(r.text for r in replies)


async def running(web, job_id: str, auth: dict) -> None:
    """Until the worker has started the job (cancelling it then interrupts the worker)."""
    client = web.quart.test_client()
    for _ in range(200):
        if (await (await client.get(f"/api/v1/jobs/{job_id}", headers=auth)).get_json())["state"] == "running":
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} never started")


async def refunded(web, job_id: str, auth: dict) -> dict:
    """The job once it has ended and its refund is recorded (the end and the refund are two writes)."""
    client = web.quart.test_client()
    for _ in range(200):
        job = await finished(client, job_id, auth)
        if job["refunded"]:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} ended without a refund: {job}")


async def people(web) -> int:
    return len(await web.storage.users.all_ids())


async def test_sharing_with_an_unknown_identity_is_refused_alike_everywhere_and_creates_nobody(web):
    alice = await web.client("alice")
    _, auth = await web.bearer("alice")
    collection = await web.station.collections.create(alice.user.id, "Foxes")
    model = await model_of(web, alice.user)
    kit = chat(web)
    await kit.station.accounts.redeem("telegram:1", (await web.station.accounts.issue_link_code(alice.user.id)).code)
    before = await people(web)
    answers = [
        await say(kit, "telegram:1", "collections", "share Foxes telegram:999"),  # typed as text (Telegram)
        await say(kit, "telegram:1", "collections", sub="share", collection="Foxes", user="discord:999"),  # typed
        (await (await alice.post(f"/collections/{collection.id}/share", form={
            "identity": "web:nobody", "csrf_token": await csrf_of(alice)}, follow_redirects=True)).get_data(
            as_text=True)),
        (await (await alice.post(f"/api/v1/collections/{collection.id}/shares", headers=auth,
                                 json={"identity": "web:nobody"})).get_json())["error"]["message"],
        (await (await alice.post(f"/api/v1/models/{model.id}/shares", headers=auth,
                                 json={"identity": "telegram:424242"})).get_json())["error"]["message"],
    ]
    assert all(REFUSED in html.unescape(answer) for answer in answers), answers
    assert await people(web) == before


async def test_an_unknown_identity_gets_the_same_answer_as_sharing_with_yourself(web):
    carol, auth = await web.bearer("carol")
    collection = await web.station.collections.create(carol.id, "Mine")
    unknown = await web.quart.test_client().post(f"/api/v1/collections/{collection.id}/shares", headers=auth,
                                                 json={"identity": "web:ghost"})
    myself = await web.quart.test_client().post(f"/api/v1/collections/{collection.id}/shares", headers=auth,
                                                json={"identity": "web:carol"})
    first, second = (await unknown.get_json())["error"], (await myself.get_json())["error"]
    assert unknown.status_code == myself.status_code == 400
    assert first["message"].replace("web:ghost", "X") == second["message"].replace("web:carol", "X")


async def test_private_revokes_shares_and_links_at_once_on_every_face_and_new_links_are_new(web):
    alice, bob = await web.client("alice"), await web.client("bob")
    _, auth = await web.bearer("alice")
    anonymous = web.quart.test_client()
    kit = chat(web)
    await kit.station.accounts.redeem("telegram:1", (await web.station.accounts.issue_link_code(alice.user.id)).code)
    make_private = {
        "chat": lambda cid: web.station.collections.set_visibility(alice.user.id, cid, "private"),
        "web form": lambda cid: alice.post(f"/collections/{cid}/visibility", form={"visibility": "private",
                                           "csrf_token": csrf_token}),
        "api": lambda cid: alice.put(f"/api/v1/collections/{cid}/visibility", headers=auth,
                                     json={"visibility": "private"}),
    }
    csrf_token = await csrf_of(alice)
    for face, private in make_private.items():
        name = f"Shared_{face.replace(' ', '_')}"
        collection = await web.station.collections.create(alice.user.id, name)
        await say(kit, "telegram:1", "collections", f"share {name} web:bob")
        old = (await web.station.collections.link(alice.user.id, collection.id)).link_token
        assert (await bob.get(f"/collections/{collection.id}")).status_code == 200
        assert (await anonymous.get(f"/shared/{old}")).status_code == 200
        await private(collection.id)
        assert (await bob.get(f"/collections/{collection.id}")).status_code == 404, face
        assert (await bob.get(f"/api/v1/collections/{collection.id}")).status_code == 404, face
        assert name in await say(kit, "telegram:1", "collections", "list")  # the owner still sees it
        assert (await anonymous.get(f"/shared/{old}")).status_code == 404, face
        relinked = await (await alice.post(f"/api/v1/collections/{collection.id}/link", headers=auth,
                                           json={"days": 1})).get_json()
        assert relinked["link"]["token"] != old
        assert (await anonymous.get(f"/shared/{relinked['link']['token']}")).status_code == 200
        assert (await anonymous.get(f"/shared/{old}")).status_code == 404


async def test_a_private_model_is_no_longer_usable_by_those_it_was_shared_with(web):
    alice = await web.user("alice")
    bob, bob_auth = await web.bearer("bob")
    _, auth = await web.bearer("alice")
    client = web.quart.test_client()
    model = await model_of(web, alice)
    await client.post(f"/api/v1/models/{model.id}/shares", headers=auth, json={"identity": "web:bob"})
    assert (await client.get(f"/api/v1/models/{model.id}", headers=bob_auth)).status_code == 200
    await client.put(f"/api/v1/models/{model.id}/visibility", headers=auth, json={"visibility": "private"})
    assert (await client.get(f"/api/v1/models/{model.id}", headers=bob_auth)).status_code == 404
    assert (await client.get(f"/models/{model.id}/download", headers=bob_auth)).status_code == 404
    assert model.name not in await say(chat(web), "web:bob", "models")


@pytest.mark.parametrize("raw", ["abc", "1.5", ""])
async def test_a_number_that_is_not_one_gets_the_same_words_on_every_face(web, raw):
    alice = await web.client("alice")
    _, auth = await web.bearer("alice")
    collection = await web.station.collections.create(alice.user.id, "Nums")
    kit = chat(web)
    await kit.station.accounts.redeem("telegram:1", (await web.station.accounts.issue_link_code(alice.user.id)).code)
    form = await (await alice.post(f"/collections/{collection.id}/remove", form={
        "number": raw, "csrf_token": await csrf_of(alice)}, follow_redirects=True)).get_data(as_text=True)
    typed = await say(kit, "telegram:1", "collections", sub="remove", collection="Nums", number=raw)
    link = await (await alice.post(f"/api/v1/collections/{collection.id}/link", headers=auth,
                                   json={"days": "seven"})).get_json()
    assert "number: must be a whole number, e.g. 3" in form
    assert "number: must be a whole number, e.g. 3" in typed
    assert link["error"]["message"].startswith("days: must be a number")


async def test_cancel_means_the_same_on_every_face_the_job_stops_and_is_refunded_once(web):
    web.comfy.step_delay = 0.3  # long enough to cancel while it runs
    alice = await web.client("alice", points=100)
    _, auth = await web.bearer("alice")
    kit = chat(web)
    await kit.station.accounts.redeem("telegram:1", (await web.station.accounts.issue_link_code(alice.user.id)).code)
    cancel = {
        "chat": lambda job_id: say(kit, "telegram:1", "cancel"),
        "web form": lambda job_id: alice.post(f"/jobs/{job_id}/cancel", form={"csrf_token": csrf_token}),
        "api": lambda job_id: alice.post(f"/api/v1/jobs/{job_id}/cancel", headers=auth),
    }
    csrf_token = await csrf_of(alice)
    for face, act in cancel.items():
        job = await web.station.make_image.submit(alice.user.id, "txt2img", {"prompt": f"fox {face}"},
                                                  ReplyTo.of("web", user_id=alice.user.id))
        await running(web, job.id, auth)
        await act(job.id)
        ended = await refunded(web, job.id, auth)
        assert ended["state"] == "cancelled" and await web.balance(alice.user) == 100, face
        again = await alice.post(f"/api/v1/jobs/{job.id}/cancel", headers=auth)
        assert (await again.get_json())["state"] == "cancelled" and await web.balance(alice.user) == 100
    assert "nothing queued or running" in await say(kit, "telegram:1", "cancel")


async def test_a_picture_is_recognised_by_one_rule_on_every_face(web):
    alice = await web.client("alice", points=100)
    _, auth = await web.bearer("alice")
    job = await web.station.make_image.submit(alice.user.id, "txt2img", {"prompt": "owl"},
                                              ReplyTo.of("web", user_id=alice.user.id))
    done = await finished(web.quart.test_client(), job.id, auth)
    key = done["outputs"][0]["key"]
    assert done["outputs"][0]["image"] is True
    served = await alice.get(f"/media/{key}")
    assert served.status_code == 200 and served.content_type == "image/png"
    assert "Content-Disposition" not in served.headers
    stored = await web.station.jobs.get(alice.user.id, job.id)
    assert (await web.station.access.result_images(stored))[0].startswith(b"\x89PNG")
