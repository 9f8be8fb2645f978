"""Gallery: the user's finished results, newest first, a page at a time."""
from __future__ import annotations

from quart import Blueprint, render_template, request

from adapters.web.context import web
from adapters.web.present import is_image
from adapters.web.sessions import current_user, login_required
from domain.jobs import JobState

blueprint = Blueprint("gallery", __name__)
PAGE_SIZE = 24


def page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 100_000))
    except ValueError:
        return 1


@blueprint.get("/gallery")
@login_required
async def gallery():
    user, page = await current_user(), page_number()
    jobs = await web().storage.jobs.of_user(user.id, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE,
                                            state=JobState.SUCCEEDED)
    cards = [(job, next((k for k in job.outputs if is_image(k)), None)) for job in jobs[:PAGE_SIZE]]
    in_progress = [] if page > 1 else [
        job for state in (JobState.RUNNING, JobState.QUEUED)
        for job in await web().storage.jobs.of_user(user.id, limit=10, state=state)]
    return await render_template("gallery.html", cards=cards, page=page, more=len(jobs) > PAGE_SIZE,
                                 in_progress=in_progress)
