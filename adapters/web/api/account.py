"""API: who I am, my points and their history, my settings, and link codes for chat accounts."""
from __future__ import annotations

from quart import Blueprint, jsonify, request

from adapters.web import present
from adapters.web.api.body import json_body, mapping, query_int, query_number
from adapters.web.context import web
from adapters.web.sessions import client_address, signed_in_id

blueprint = Blueprint("account", __name__)


@blueprint.get("/me")
async def me():
    user_id, accounts = signed_in_id(), web().station.accounts
    user = await accounts.get(user_id)
    return jsonify({"id": user_id, "display_name": user.display_name if user else "",
                    "identities": await accounts.identities(user_id),
                    "balance": await web().station.points.balance(user_id)})


@blueprint.get("/points")
async def points():
    user_id, station = signed_in_id(), web().station
    limit = query_int("limit", 25, 1, 200)
    before = query_number("before", "a time in seconds since the epoch")
    entries = await station.points.history(user_id, limit=limit, before=before)
    return jsonify({"balance": await station.points.balance(user_id), "entries": [present.entry(e) for e in entries],
                    "next_before": entries[-1].created_at if len(entries) == limit else None})


@blueprint.get("/settings")
async def settings():
    shown = await web().station.settings.show(signed_in_id())
    return jsonify({"settings": {name: {"value": value, "chosen": chosen} for name, (value, chosen) in shown.items()}})


@blueprint.patch("/settings")
async def change():
    await web().station.settings.change(signed_in_id(), mapping(await json_body(), "values", required=True))
    return await settings()


@blueprint.delete("/settings")
async def reset():
    names = request.args.getlist("name")
    await web().station.settings.reset(signed_in_id(), names or None)
    return await settings()


@blueprint.post("/link-code")
async def link_code():
    code = await web().station.accounts.issue_link_code(signed_in_id(), client_address())
    return jsonify({"code": code.code, "expires_at": code.expires_at}), 201
