"""API: models (share, unshare, visibility) and collections (items, shares, links, visibility)."""
from __future__ import annotations

from quart import Blueprint, jsonify

from adapters.web import present
from adapters.web.api.body import json_body, number, text
from adapters.web.context import web
from adapters.web.sessions import signed_in_id

blueprint = Blueprint("library", __name__)


def _model(found):
    return jsonify(present.model(found, signed_in_id()))


def _collection(found, status: int = 200):
    return jsonify(present.collection(found, signed_in_id())), status


@blueprint.get("/models")
async def models():
    user_id = signed_in_id()
    return jsonify({"models": [present.model(m, user_id) for m in await web().station.models.visible(user_id)]})


@blueprint.get("/models/<model_id>")
async def model(model_id: str):
    return _model(await web().station.models.find(signed_in_id(), model_id))


@blueprint.post("/models/<model_id>/shares")
async def share_model(model_id: str):
    identity = text(await json_body(), "identity")
    return _model(await web().station.models.share(signed_in_id(), model_id, identity))


@blueprint.delete("/models/<model_id>/shares/<user_id>")
async def unshare_model(model_id: str, user_id: str):
    return _model(await web().station.models.unshare(signed_in_id(), model_id, user_id))


@blueprint.put("/models/<model_id>/visibility")
async def model_visibility(model_id: str):
    visibility = text(await json_body(), "visibility")
    return _model(await web().station.models.set_visibility(signed_in_id(), model_id, visibility))


@blueprint.get("/collections")
async def collections():
    user_id = signed_in_id()
    found = await web().station.collections.list(user_id)
    return jsonify({"collections": [present.collection(c, user_id) for c in found]})


@blueprint.post("/collections")
async def create():
    return _collection(await web().station.collections.create(signed_in_id(), text(await json_body(), "name")), 201)


@blueprint.get("/collections/<collection_id>")
async def collection(collection_id: str):
    return _collection(await web().station.collections.find(signed_in_id(), collection_id))


@blueprint.delete("/collections/<collection_id>")
async def delete(collection_id: str):
    await web().station.collections.delete(signed_in_id(), collection_id)
    return "", 204


@blueprint.post("/collections/<collection_id>/items")
async def add(collection_id: str):
    body = await json_body()
    found = await web().station.collections.add(signed_in_id(), collection_id, text(body, "kind"), text(body, "ref"))
    return _collection(found, 201)


@blueprint.delete("/collections/<collection_id>/items/<int:item>")
async def remove(collection_id: str, item: int):
    return _collection(await web().station.collections.remove(signed_in_id(), collection_id, item))


@blueprint.post("/collections/<collection_id>/shares")
async def share(collection_id: str):
    body = await json_body()
    found = await web().station.collections.share(signed_in_id(), collection_id, text(body, "identity"),
                                                  text(body, "access", required=False, default="view"))
    return _collection(found)


@blueprint.delete("/collections/<collection_id>/shares/<user_id>")
async def unshare(collection_id: str, user_id: str):
    return _collection(await web().station.collections.unshare(signed_in_id(), collection_id, user_id))


@blueprint.post("/collections/<collection_id>/link")
async def link(collection_id: str):
    days = number(await json_body(), "days", 7)
    return _collection(await web().station.collections.link(signed_in_id(), collection_id, days))


@blueprint.put("/collections/<collection_id>/visibility")
async def visibility(collection_id: str):
    value = text(await json_body(), "visibility")
    return _collection(await web().station.collections.set_visibility(signed_in_id(), collection_id, value))
