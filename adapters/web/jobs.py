"""A job's page: live progress, the result full size, download, and what to do next with it."""
from __future__ import annotations

from quart import Blueprint, flash, redirect, render_template

from adapters.web.context import origin, web
from adapters.web.present import is_image
from adapters.web.sessions import current_user, login_required
from domain.errors import NotFound

blueprint = Blueprint("jobs", __name__)
FOLLOW_UPS = {"reroll": "Again, new seed", "vary": "Variation", "upscale": "Upscale"}
NEEDS_TOOL = {"vary": "img2img", "upscale": "upscale"}


@blueprint.get("/jobs/<job_id>")
@login_required
async def page(job_id: str):
    station, user = web().station, await current_user()
    job = await station.make_image.own_job(user.id, job_id)
    runs = [run for run, _ in await station.training.runs(user.id) if run.job_id == job.id] \
        if job.kind == "training" else []
    collections = [c for c in await station.collections.list(user.id) if c.can_edit(user.id)]
    follow_ups = {a: label for a, label in FOLLOW_UPS.items() if NEEDS_TOOL.get(a, job.tool) in station.catalogue}
    return await render_template(
        "job.html", job=job, position=None if job.terminal else station.runner.position(job.id),
        images=[k for k in job.outputs if is_image(k)], files=[k for k in job.outputs if not is_image(k)],
        run=runs[0] if runs else None, collections=collections,
        image_tools=[t.name for t in station.catalogue.templates() if t.spec.image_param],
        follow_ups=follow_ups if job.kind == "image" else {})


@blueprint.post("/jobs/<job_id>/cancel")
@login_required
async def cancel(job_id: str):
    station, user = web().station, await current_user()
    job = await station.make_image.own_job(user.id, job_id)
    await station.runner.cancel(job, "cancelled on the web")
    await flash("Cancelling: any points paid come back.", "info")
    return redirect(f"/jobs/{job.id}")


@blueprint.post("/jobs/<job_id>/<action>")
@login_required
async def follow_up(job_id: str, action: str):
    station, user = web().station, await current_user()
    act = {"reroll": station.make_image.reroll, "vary": station.media.vary, "upscale": station.media.upscale}.get(action)
    if act is None:
        raise NotFound(f"There is no '{action}' for a job.")
    job = await act(user.id, job_id, origin(user.id))
    return redirect(f"/jobs/{job.id}")
