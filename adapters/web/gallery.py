"""Gallery: a tile for every job the user runs or finished, newest first, a page at a time; running ones live."""
from __future__ import annotations

from functools import partial

from markupsafe import Markup
from quart import Blueprint, current_app, request

from adapters.web.context import web
from adapters.web.render import plain_env, render_template
from adapters.web.sessions import login_required, signed_in_user
from adapters.web.tiles import tile_for
from domain.jobs import Job, JobState
from domain.numbers import parse_whole
from domain.outputs import OutputKind
from domain.workflows.jobs import JobFilter

blueprint = Blueprint("gallery", __name__)
PAGE_SIZE = 24
TEXT_PREVIEW = 160


def page_number() -> int:
    try:
        return max(1, min(parse_whole(request.args.get("page", "1")), 100_000))
    except (TypeError, ValueError):
        return 1


@blueprint.get("/gallery")
@login_required
async def gallery():
    """Running jobs first (on the first page), then finished results of every kind, newest first."""
    user, page = await signed_in_user(), page_number()
    jobs = await web().station.jobs.page(user.id, JobFilter(JobState.SUCCEEDED.value, PAGE_SIZE + 1,
                                                            (page - 1) * PAGE_SIZE))
    running = [] if page > 1 else await web().station.jobs.in_progress(user.id)
    tiles = await tiles_html([*running, *jobs[:PAGE_SIZE]])
    return await render_template("gallery.html", tiles=tiles, page=page, more=len(jobs) > PAGE_SIZE)


@blueprint.get("/gallery/tiles/<job_id>")
async def live_tile(job_id: str):
    """One job's tile as it is now: a running tile's page asks for it until the job has ended."""
    user = await signed_in_user()
    return await tiles_html([await web().station.jobs.get(user.id, job_id)])


async def tiles_html(jobs: list[Job]) -> Markup:
    """The jobs' tiles, each drawn once for each version of its job (every change of a job makes a new version)."""
    fragments, env = web().fragments, plain_env(current_app)
    return Markup("".join([fragments.kept_html("tile.html", (job.id, job.version))
                           or await fragments.html(env, "tile.html", (job.id, job.version), partial(_tile, job))
                           for job in jobs]))


async def _tile(job: Job) -> dict:
    """The job's tile, with the first words of a text result."""
    words = job.output is OutputKind.TEXT and job.state is JobState.SUCCEEDED
    return {"t": tile_for(job, (await web().station.access.result_text(job))[:TEXT_PREVIEW] if words else "")}
