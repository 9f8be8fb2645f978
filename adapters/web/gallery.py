"""Gallery: the user's finished results, newest first, a page at a time."""
from __future__ import annotations

from quart import Blueprint, render_template, request

from adapters.web.context import web
from adapters.web.sessions import login_required, signed_in_user
from domain.blobs import first_image
from domain.jobs import JobState
from domain.numbers import parse_whole
from domain.workflows.jobs import JobFilter

blueprint = Blueprint("gallery", __name__)
PAGE_SIZE = 24


def page_number() -> int:
    try:
        return max(1, min(parse_whole(request.args.get("page", "1")), 100_000))
    except (TypeError, ValueError):
        return 1


@blueprint.get("/gallery")
@login_required
async def gallery():
    user, page = await signed_in_user(), page_number()
    jobs = await web().station.jobs.page(user.id, JobFilter(JobState.SUCCEEDED.value, PAGE_SIZE + 1,
                                                            (page - 1) * PAGE_SIZE))
    cards = [(job, first_image(job.outputs)) for job in jobs[:PAGE_SIZE]]
    in_progress = [] if page > 1 else await web().station.jobs.in_progress(user.id)
    return await render_template("gallery.html", cards=cards, page=page, more=len(jobs) > PAGE_SIZE,
                                 in_progress=in_progress)
