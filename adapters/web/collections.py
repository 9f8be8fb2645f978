"""Collections: gather results and models, share them with people, by link, or with everyone."""
from __future__ import annotations

from quart import Blueprint, flash, redirect, request

from adapters.web.context import web
from adapters.web.media import send
from adapters.web.people import names
from adapters.web.redirects import local_path
from adapters.web.render import render_template
from adapters.web.sessions import current_user_id, login_required, signed_in_user
from domain.blobs import is_image
from domain.collections import Collection
from domain.errors import NotFound

blueprint = Blueprint("collections", __name__)


@blueprint.get("/collections/")
@login_required
async def listing():
    user = await signed_in_user()
    found = await web().station.collections.list(user.id)
    return await render_template("collections.html", collections=found,
                                 people=await names({c.owner for c in found}))


@blueprint.post("/collections/")
@login_required
async def create():
    collection = await web().station.collections.create((await signed_in_user()).id,
                                                        (await request.form).get("name", ""))
    return redirect(f"/collections/{collection.id}")


@blueprint.get("/collections/<collection_id>")
@login_required
async def view(collection_id: str):
    user = await signed_in_user()
    collection = await web().station.collections.find(user.id, collection_id)
    return await _render(collection, user.id, f"/collections/{collection.id}/items")


@blueprint.get("/shared/<token>")
async def by_link(token: str):
    collection = await web().station.collections.by_link(token)
    return await _render(collection, None, f"/shared/{token}/items")


@blueprint.get("/collections/<collection_id>/items/<int:number>")
async def item(collection_id: str, number: int):
    return send(await web().station.access.collection_picture(await current_user_id(), collection_id, number))


@blueprint.get("/shared/<token>/items/<int:number>")
async def linked_item(token: str, number: int):
    return send(await web().station.access.collection_picture(None, "", number, token=token))


@blueprint.post("/collections/add")
@login_required
async def add_from_elsewhere():
    """From a result's or a model's page: put it (a batch: the pictures ticked) into the collection picked in the
    form, then go back."""
    user, form = await signed_in_user(), await request.form
    refs = [ref for ref in form.getlist("ref") if ref]
    collection = await web().station.collections.add(user.id, form.get("collection_id", ""),
                                                     form.get("kind", "image"), *refs)
    await flash(f"Added {len(refs)} pictures to '{collection.name}'." if len(refs) > 1 else
                f"Added to '{collection.name}'.", "info")
    back = local_path(form.get("back"))
    return redirect(back if back and back.startswith(("/jobs/", "/models/")) else f"/collections/{collection.id}")


# Each form posts to /collections/<id>/<action>: the use case it calls and the form fields it passes on,
# in order after the user and the collection. The domain parses and checks every value.
ACTIONS = {
    "add": ("add", ("kind", "ref")), "remove": ("remove", ("number",)), "share": ("share", ("identity", "access")),
    "unshare": ("unshare", ("user_id",)), "link": ("link", ("days",)),
    "visibility": ("set_visibility", ("visibility",)), "delete": ("delete", ()),
}


@blueprint.post("/collections/<collection_id>/<action>")
@login_required
async def change(collection_id: str, action: str):
    """Every change names the collection by id and the user acting; the domain checks who may do what."""
    if action not in ACTIONS:
        raise NotFound(f"Collections have no '{action}'.")
    method, fields = ACTIONS[action]
    user, form = await signed_in_user(), await request.form
    await getattr(web().station.collections, method)(user.id, collection_id, *(form.get(f, "") for f in fields))
    return redirect("/collections/" if action == "delete" else f"/collections/{collection_id}")


async def _render(collection: Collection, viewer: str | None, items_url: str):
    station = web().station
    people = await names(set(collection.shared_with) | {collection.owner})
    public_url = web().settings.public_url or request.host_url.rstrip("/")
    return await render_template("collection.html", collection=collection, viewer=viewer, items_url=items_url,
                                 texts=await station.access.collection_texts(collection),
                                 models=await station.collections.models_in(collection, viewer), people=people,
                                 is_image=is_image, public_url=public_url)
