"""A job's page: live progress, the result full size, download, and what to do next with it."""
from __future__ import annotations

import time
from urllib.parse import urlencode

from quart import Blueprint, flash, redirect

from adapters.web import present
from adapters.web.context import origin, web
from adapters.web.render import render_template
from adapters.web.sessions import login_required, signed_in_user
from domain.blobs import Shown, is_image, shown_as
from domain.catalogue import FollowUp
from domain.errors import NotFound
from domain.jobs import Job, JobState
from domain.workflows.follow_ups import TOOL_OF, Offer

blueprint = Blueprint("jobs", __name__)
LABELS = {FollowUp.REROLL: "Again, new seed", FollowUp.VARY: "Variation", FollowUp.UPSCALE: "Upscale",
          FollowUp.RETRY: "Try again"}
PROMPT_LABELS = {FollowUp.MAKE: "Make with this prompt", FollowUp.MINE: "Use mine"}  # links to the Make form
CANCEL_WAIT_S = 3.0  # how long a cancel waits to say the points are back (a worker lets go within moments)


@blueprint.get("/jobs/<job_id>")
@login_required
async def page(job_id: str):
    station, user = web().station, await signed_in_user()
    job = await station.jobs.get(user.id, job_id)
    runs = [run for run, _ in await station.training.runs(user.id) if run.job_id == job.id] \
        if job.long else []
    collections = [c for c in await station.collections.list(user.id) if c.can_edit(user.id)]
    offers = await station.follow_ups.offers(user.id, job)
    reached = {TOOL_OF[o.action] for o in offers if o.action in TOOL_OF}  # a follow-up button already goes there
    titles = {t.name: t.spec.title for t in station.catalogue.templates()}
    results = await station.access.results(job) if job.state is JobState.SUCCEEDED else []
    shown = web().notifier.preview(job.id)
    return await render_template(
        "job.html", job=job, position=station.jobs.position(job), title=titles.get(job.tool, f"/{job.tool}"),
        preview=present.job(job, preview=shown[0])["preview"] if shown else None,
        results=[(r.key, r.shown.value, r.text) for r in results if r.shown is not Shown.FILE],
        images=[k for k in job.outputs if is_image(k)], files=[k for k in job.outputs if shown_as(k) is Shown.FILE],
        run=runs[0] if runs else None, collections=collections,
        image_tools=[(t.name, t.spec.title) for t in station.catalogue.templates()
                     if t.spec.image_param and t.name not in reached],
        follow_ups=[(o.action.value, f"{LABELS[o.action]} · {o.price} points") for o in offers if o.action in LABELS],
        prompt_links=await _prompt_links(user.id, job, [o for o in offers if o.action in PROMPT_LABELS]))


async def _prompt_links(user_id: str, job: Job, offers: list[Offer]) -> list[tuple[str, str]]:
    """A text result's way to a picture: the Make form of its tool, filled with the words (the price shows there
    again, for the form as the user leaves it)."""
    links, mine = [], any(o.action is FollowUp.MINE for o in offers)
    for offer in offers:
        request = await web().station.follow_ups.request(user_id, job.id, offer.action)
        label = "Make it" if offer.action is FollowUp.MAKE and mine else PROMPT_LABELS[offer.action]
        links.append((f"{label} · {offer.price} points", f"/make/{request.tool}?{urlencode(request.raw)}"))
    return links


@blueprint.post("/jobs/<job_id>/cancel")
@login_required
async def cancel(job_id: str):
    user = await signed_in_user()
    job = await web().station.jobs.cancel(user.id, job_id)
    if job.terminal:
        await flash("That job had already finished.", "info")
    else:
        await flash(refund_message(await ended(user.id, job.id)), "info")
    return redirect(f"/jobs/{job.id}")


async def ended(user_id: str, job_id: str, seconds: float = CANCEL_WAIT_S) -> Job:
    """The job once it has ended (its refund settled with it), or as it is after `seconds`."""
    jobs, notifier = web().station.jobs, web().notifier
    deadline = time.monotonic() + seconds
    job = await jobs.get(user_id, job_id)
    while not job.terminal and (left := deadline - time.monotonic()) > 0:
        await notifier.wait(job_id, left)
        job = await jobs.get(user_id, job_id)
    return job


def refund_message(job: Job) -> str:
    """What a Stop did to the user's points, said at once."""
    if job.refunded:
        return f"Stopped: your {job.price} points are back."
    if job.terminal:
        return "Stopped." if job.state is JobState.CANCELLED else "It had already finished."
    return f"Stopping: your {job.price} points come back as soon as the worker lets go of it."


@blueprint.post("/jobs/<job_id>/<action>")
@login_required
async def follow_up(job_id: str, action: str):
    user = await signed_in_user()
    if action not in LABELS:  # a text result's make opens the Make form instead, to show its price first
        raise NotFound(f"A result has no '{action}' button here; use {', '.join(LABELS)}.")
    job = await web().station.follow_ups.run(user.id, job_id, action, origin(user.id))
    return redirect(f"/jobs/{job.id}")
