"""Models: the user's LoRAs, those shared with them and public ones; share, unshare, publish, download."""
from __future__ import annotations

from quart import Blueprint, flash, redirect, request

from adapters.web.context import web
from adapters.web.media import send
from adapters.web.people import names
from adapters.web.render import render_template
from adapters.web.sessions import current_user_id, login_required, signed_in_user

blueprint = Blueprint("models", __name__, url_prefix="/models")


@blueprint.get("/")
@login_required
async def listing():
    station, user = web().station, await signed_in_user()
    visible = await station.models.visible(user.id)
    mine = [m for m in visible if m.owner == user.id]
    shared = [m for m in visible if m.owner != user.id and user.id in m.shared_with]
    public = [m for m in visible if m.owner != user.id and user.id not in m.shared_with]
    people = await names({u for m in mine for u in m.shared_with} | {m.owner for m in shared + public})
    lora_tools = [t.name for t in station.catalogue.templates() if any(p.type == "lora" for p in t.spec.params)]
    collections = [c for c in await station.collections.list(user.id) if c.can_edit(user.id)]
    return await render_template("models.html", mine=mine, shared=shared, public=public, people=people,
                                 use_with=lora_tools[0] if lora_tools else None, collections=collections)


@blueprint.post("/<model_id>/share")
@login_required
async def share(model_id: str):
    user = await signed_in_user()
    model = await web().station.models.share(user.id, model_id, (await request.form).get("identity", ""))
    await flash(f"'{model.name}' is now shared.", "info")
    return redirect("/models/")


@blueprint.post("/<model_id>/unshare")
@login_required
async def unshare(model_id: str):
    user = await signed_in_user()
    await web().station.models.unshare(user.id, model_id, (await request.form).get("user_id", ""))
    return redirect("/models/")


@blueprint.post("/<model_id>/visibility")
@login_required
async def visibility(model_id: str):
    user = await signed_in_user()
    await web().station.models.set_visibility(user.id, model_id, (await request.form).get("visibility", ""))
    return redirect("/models/")


@blueprint.get("/<model_id>/download")
async def download(model_id: str):
    return send(await web().station.access.model_file(await current_user_id(), model_id), as_attachment=True)


@blueprint.get("/<model_id>/curve")
async def curve(model_id: str):
    """The loss curve of one of the user's own models, shown on Models like the model itself: to its owner only."""
    return send(await web().station.access.model_curve(await current_user_id(), model_id))
