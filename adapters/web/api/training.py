"""API: datasets (images, captions, trigger word), quotes, training runs and cancelling them."""
from __future__ import annotations

from quart import Blueprint, jsonify, request

from adapters.web import present
from adapters.web.api.body import json_body, mapping, text
from adapters.web.context import origin, web
from adapters.web.errors import BadRequest
from adapters.web.sessions import signed_in_id
from adapters.web.uploads import read_upload
from domain.errors import DatasetNotReady, DomainError
from ports.media import MediaRejected

blueprint = Blueprint("training", __name__)


async def _dataset_json(name: str) -> dict:
    training, user_id = web().station.training, signed_in_id()
    found = await training.dataset(user_id, name)
    try:
        await training.quote(user_id, found.name)
        problems = []
    except DatasetNotReady as error:
        problems = error.problems
    return present.dataset(found, problems)


@blueprint.get("/datasets")
async def datasets():
    found = await web().station.training.datasets(signed_in_id())
    return jsonify({"datasets": [present.dataset(d) for d in found]})


@blueprint.post("/datasets")
async def create():
    made = await web().station.training.create(signed_in_id(), text(await json_body(), "name"))
    return jsonify(await _dataset_json(made.name)), 201


@blueprint.get("/datasets/<name>")
async def dataset(name: str):
    return jsonify(await _dataset_json(name))


@blueprint.delete("/datasets/<name>")
async def delete(name: str):
    await web().station.training.delete(signed_in_id(), name)
    return "", 204


@blueprint.post("/datasets/<name>/images")
async def add_images(name: str):
    """One or more pictures (multipart field 'images'), with an optional shared 'caption'."""
    training, user_id = web().station.training, signed_in_id()
    await training.dataset(user_id, name)
    files, form = await request.files, await request.form
    uploads = [f for f in files.getlist("images") if f.filename]
    if not uploads:
        raise BadRequest("images", "attach one or more pictures as the multipart field 'images'.")
    for number, upload in enumerate(uploads):
        try:
            await training.add_image(user_id, name, read_upload(upload), form.get("caption", ""))
        except (DomainError, MediaRejected) as error:
            raise BadRequest("images", f"{upload.filename}: {error}"
                             + (f" ({number} added before it)" if number else "")) from None
    return jsonify(await _dataset_json(name)), 201


@blueprint.delete("/datasets/<name>/images/<int:number>")
async def remove_image(name: str, number: int):
    await web().station.training.remove_image(signed_in_id(), name, number)
    return jsonify(await _dataset_json(name))


@blueprint.put("/datasets/<name>/images/<int:number>/caption")
async def caption(name: str, number: int):
    await web().station.training.caption(signed_in_id(), name, number, text(await json_body(), "caption"))
    return jsonify(await _dataset_json(name))


@blueprint.put("/datasets/<name>/trigger")
async def trigger(name: str):
    await web().station.training.trigger(signed_in_id(), name, text(await json_body(), "trigger").strip())
    return jsonify(await _dataset_json(name))


@blueprint.post("/datasets/<name>/quote")
async def quote(name: str):
    params = mapping(await json_body(), "params")
    return jsonify(present.quote(await web().station.training.quote(signed_in_id(), name, params)))


@blueprint.post("/datasets/<name>/runs")
async def draft(name: str):
    """A quoted, unpaid run: confirm it to pay exactly its price and start training."""
    run = await web().station.training.draft(signed_in_id(), name, mapping(await json_body(), "params"))
    return jsonify(present.run(run)), 201


@blueprint.get("/runs")
async def runs():
    found = await web().station.training.runs(signed_in_id())
    return jsonify({"runs": [present.run(r, j) for r, j in found]})


@blueprint.get("/runs/<run_id>")
async def run(run_id: str):
    return jsonify(present.run(*await web().station.training.run(signed_in_id(), run_id)))


@blueprint.post("/runs/<run_id>/<any(confirm, discard, cancel):action>")
async def act(run_id: str, action: str):
    training, user_id = web().station.training, signed_in_id()
    if action == "confirm":
        await training.confirm(user_id, run_id, origin(user_id))
    elif action == "discard":
        await training.discard(user_id, run_id)
    elif action == "cancel":
        await training.run(user_id, run_id)
        await training.cancel(user_id, run_id)
    else:
        raise BadRequest("action", f"a run can be confirmed, discarded or cancelled, not '{action}'.", status=404)
    return jsonify(present.run(*await training.run(user_id, run_id)))
