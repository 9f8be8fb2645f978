"""Sessions: where you are signed in and your API tokens, each revocable; make a token; sign out everywhere."""
from __future__ import annotations

from quart import Blueprint, flash, redirect, request

from adapters.web.context import web
from adapters.web.render import render_template
from adapters.web.sessions import client_address, current_credential, end_session, login_required, signed_in_user

blueprint = Blueprint("session_pages", __name__)


@blueprint.get("/sessions")
@login_required
async def page():
    return await _render()


@blueprint.post("/sessions/tokens")
@login_required
async def create_token():
    form = await request.form
    user, credentials = await signed_in_user(), web().station.credentials
    made, secret = await credentials.create_token(user.id, form.get("name", ""), form.get("days"), client_address())
    return await _render(new_token=secret, new_name=made.name), 201


@blueprint.post("/sessions/<credential_id>/revoke")
@login_required
async def revoke(credential_id: str):
    user, current = await signed_in_user(), await current_credential()
    ended = await web().station.credentials.revoke(user.id, credential_id)
    if current is not None and ended.id == current.id:
        await end_session()
        return redirect("/signin")
    await flash(f"'{ended.name}' no longer works.", "info")
    return redirect("/sessions")


@blueprint.post("/sessions/revoke-all")
@login_required
async def revoke_all():
    """Sign out everywhere: every session, this one included, and every API token."""
    await web().station.credentials.revoke_all((await signed_in_user()).id)
    await end_session()
    return redirect("/signin")


async def _render(new_token: str | None = None, new_name: str = ""):
    user, current = await signed_in_user(), await current_credential()
    found = await web().station.credentials.list(user.id)
    return await render_template("sessions.html", sessions=[c for c in found if c.kind == "session"],
                                 tokens=[c for c in found if c.kind == "token"], current=current.id if current else None,
                                 new_token=new_token, new_name=new_name, token_days=web().settings.token_days)
