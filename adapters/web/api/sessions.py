"""API: my sessions and API tokens; make a token, revoke one, or sign out everywhere."""
from __future__ import annotations

from quart import Blueprint, jsonify

from adapters.web import present
from adapters.web.api.body import json_body, number, text
from adapters.web.context import web
from adapters.web.sessions import client_address, current_credential, signed_in_id

blueprint = Blueprint("sessions", __name__)


@blueprint.get("/sessions")
async def sessions():
    current = await current_credential()
    found = await web().station.credentials.list(signed_in_id())
    return jsonify({"sessions": [present.credential(c, current) for c in found]})


@blueprint.post("/tokens")
async def create_token():
    body = await json_body()
    days = number(body, "days", web().settings.token_days)
    made, secret = await web().station.credentials.create_token(signed_in_id(), text(body, "name"), days,
                                                               client_address())
    return jsonify({**present.credential(made, None), "token": secret}), 201


@blueprint.delete("/sessions/<session_id>")
async def revoke(session_id: str):
    await web().station.credentials.revoke(signed_in_id(), session_id)
    return "", 204


@blueprint.delete("/sessions")
async def revoke_all():
    """Sign out everywhere: every session and every token, the one sending this included."""
    await web().station.credentials.revoke_all(signed_in_id())
    return "", 204
