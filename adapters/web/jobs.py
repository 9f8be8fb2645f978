"""A job's page: live progress, the result full size, download, and what to do next with it."""
from __future__ import annotations

from quart import Blueprint, flash, redirect, render_template

from adapters.web import present
from adapters.web.context import origin, web
from adapters.web.sessions import login_required, signed_in_user
from domain.blobs import is_image

blueprint = Blueprint("jobs", __name__)
LABELS = {"reroll": "Again, new seed", "vary": "Variation", "upscale": "Upscale", "retry": "Try again"}


@blueprint.get("/jobs/<job_id>")
@login_required
async def page(job_id: str):
    station, user = web().station, await signed_in_user()
    job = await station.jobs.get(user.id, job_id)
    runs = [run for run, _ in await station.training.runs(user.id) if run.job_id == job.id] \
        if job.long else []
    collections = [c for c in await station.collections.list(user.id) if c.can_edit(user.id)]
    shown = web().notifier.preview(job.id)
    return await render_template(
        "job.html", job=job, position=station.jobs.position(job),
        preview=present.job(job, preview=shown[0])["preview"] if shown else None,
        images=[k for k in job.outputs if is_image(k)], files=[k for k in job.outputs if not is_image(k)],
        run=runs[0] if runs else None, collections=collections,
        image_tools=[t.name for t in station.catalogue.templates() if t.spec.image_param],
        follow_ups={action: LABELS[action] for action in station.follow_ups.available(job)})


@blueprint.post("/jobs/<job_id>/cancel")
@login_required
async def cancel(job_id: str):
    job = await web().station.jobs.cancel((await signed_in_user()).id, job_id)
    await flash("That job had already finished." if job.terminal else "Stopping it: any points paid come back.", "info")
    return redirect(f"/jobs/{job.id}")


@blueprint.post("/jobs/<job_id>/<action>")
@login_required
async def follow_up(job_id: str, action: str):
    user = await signed_in_user()
    job = await web().station.follow_ups.run(user.id, job_id, action, origin(user.id))
    return redirect(f"/jobs/{job.id}")
