"""The JSON API under /api/v1: the same actions as the pages, for scripts with bearer tokens."""
from __future__ import annotations

from quart import Blueprint, jsonify, request

from adapters.web.api import account, jobs, library, openapi, sessions, training
from adapters.web.sessions import current_user_id

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
for module in (account, jobs, library, training, sessions, openapi):
    blueprint.register_blueprint(module.blueprint)
PUBLIC = {"api.openapi.openapi"}


@blueprint.before_request
async def require_user():
    if request.endpoint in PUBLIC or await current_user_id() is not None:
        return None
    message = ("Sign in first, or send 'Authorization: Bearer TOKEN' (make one on the web under Sessions, or an "
               "operator runs: stationthis web token create IDENTITY).")
    return jsonify({"error": {"status": 401, "code": "unauthorized", "message": message}}), 401, {
        "WWW-Authenticate": "Bearer"}
