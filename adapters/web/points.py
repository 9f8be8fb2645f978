"""Points: the balance and the ledger's history, older entries a page at a time."""
from __future__ import annotations

from quart import Blueprint, request

from adapters.web.context import web
from adapters.web.render import render_template
from adapters.web.sessions import login_required, signed_in_user
from domain.numbers import parse_number

blueprint = Blueprint("points", __name__)
PAGE_SIZE = 25


def before_arg() -> float | None:
    try:
        return parse_number(request.args["before"])
    except (KeyError, TypeError, ValueError):
        return None


@blueprint.get("/points")
@login_required
async def points():
    station, user = web().station, await signed_in_user()
    entries = await station.points.history(user.id, limit=PAGE_SIZE, before=before_arg())
    return await render_template("points.html", entries=entries,
                                 older=entries[-1].created_at if len(entries) == PAGE_SIZE else None)
