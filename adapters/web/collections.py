"""Collections: gather results and models, share them with people, by link, or with everyone."""
from __future__ import annotations

from quart import Blueprint, flash, redirect, render_template, request

from adapters.web.context import web
from adapters.web.media import send_blob
from adapters.web.people import names, user_id_for
from adapters.web.present import is_image
from adapters.web.sessions import current_user, current_user_id, login_required
from domain.collections import Collection
from domain.errors import DomainError, NotFound

blueprint = Blueprint("collections", __name__)


@blueprint.get("/collections/")
@login_required
async def listing():
    user = await current_user()
    found = await web().station.collections.list(user.id)
    return await render_template("collections.html", collections=found,
                                 people=await names({c.owner for c in found}))


@blueprint.post("/collections/")
@login_required
async def create():
    collection = await web().station.collections.create((await current_user()).id,
                                                        (await request.form).get("name", ""))
    return redirect(f"/collections/{collection.id}")


@blueprint.get("/collections/<collection_id>")
@login_required
async def view(collection_id: str):
    user = await current_user()
    collection = await web().station.collections.find(user.id, collection_id)
    return await _render(collection, user.id, f"/collections/{collection.id}/items")


@blueprint.get("/shared/<token>")
async def by_link(token: str):
    collection = await web().station.collections.by_link(token)
    return await _render(collection, None, f"/shared/{token}/items")


@blueprint.get("/collections/<collection_id>/items/<int:number>")
async def item(collection_id: str, number: int):
    user_id = current_user_id()
    if user_id is None:
        raise NotFound("There is no such picture, or it is not shared with you.")
    return await _send_item(await web().station.collections.find(user_id, collection_id), number)


@blueprint.get("/shared/<token>/items/<int:number>")
async def linked_item(token: str, number: int):
    return await _send_item(await web().station.collections.by_link(token), number)


@blueprint.post("/collections/add")
@login_required
async def add_from_elsewhere():
    """From a result's or a model's page: put it into the collection picked in the form, then go back."""
    user, form = await current_user(), await request.form
    collection = await web().station.collections.add(user.id, form.get("collection_id", ""),
                                                     form.get("kind", "image"), form.get("ref", ""))
    await flash(f"Added to '{collection.name}'.", "info")
    back = form.get("back", "")
    return redirect(back if back.startswith(("/jobs/", "/models/")) else f"/collections/{collection.id}")


@blueprint.post("/collections/<collection_id>/<action>")
@login_required
async def change(collection_id: str, action: str):
    """Every change names the collection by id and the user acting; the domain checks who may do what."""
    collections, user, form = web().station.collections, await current_user(), await request.form
    if action == "add":
        await collections.add(user.id, collection_id, form.get("kind", ""), form.get("ref", ""))
    elif action == "remove":
        await collections.remove(user.id, collection_id, _number(form.get("number")))
    elif action == "share":
        await collections.share(user.id, collection_id, await user_id_for(form.get("identity", "")),
                                form.get("access", "view"))
    elif action == "unshare":
        await collections.unshare(user.id, collection_id, form.get("user_id", ""))
    elif action == "link":
        await collections.link(user.id, collection_id, _days(form.get("days", "7")))
    elif action == "visibility":
        await collections.set_visibility(user.id, collection_id, form.get("visibility", ""))
    elif action == "delete":
        await collections.delete(user.id, collection_id)
        return redirect("/collections/")
    else:
        raise NotFound(f"Collections have no '{action}'.")
    return redirect(f"/collections/{collection_id}")


async def _render(collection: Collection, viewer: str | None, items_url: str):
    models = {i.ref: await web().storage.models.get(i.ref) for i in collection.items if i.kind == "model"}
    people = await names(set(collection.shared_with) | {collection.owner})
    return await render_template("collection.html", collection=collection, viewer=viewer, items_url=items_url,
                                 models=models, people=people, is_image=is_image,
                                 public_url=web().settings.public_url or request.host_url.rstrip("/"))


async def _send_item(collection: Collection, number: int):
    if not 1 <= number <= len(collection.items) or collection.items[number - 1].kind != "image":
        raise NotFound("There is no picture with that number in this collection.")
    return await send_blob(collection.items[number - 1].ref)


def _number(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise DomainError("Say which item to remove by its number.") from None


def _days(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise DomainError(f"A link lasts a number of days, not '{raw}'.") from None
