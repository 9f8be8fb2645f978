"""Training studio: datasets (upload, captions, trigger word), a quoted run, its progress and model."""
from __future__ import annotations

import secrets

from quart import Blueprint, flash, redirect, request

from adapters.web.context import origin, web
from adapters.web.dataset_fixes import caption_offer
from adapters.web.forms import fields_for, raw_values
from adapters.web.jobs import ended, refund_message
from adapters.web.render import render_template
from adapters.web.sessions import login_required, signed_in_user
from adapters.web.uploads import read_upload
from domain.blobs import first_image
from domain.errors import DatasetNotReady, DomainError
from ports.media import MediaRejected

blueprint = Blueprint("training", __name__, url_prefix="/training")


@blueprint.get("/")
@login_required
async def studio():
    station, user = web().station, await signed_in_user()
    return await render_template("training.html", datasets=await station.training.datasets(user.id),
                                 runs=await station.training.runs(user.id))


@blueprint.post("/datasets")
@login_required
async def create():
    dataset = await web().station.training.create((await signed_in_user()).id, (await request.form).get("name", ""))
    return redirect(f"/training/datasets/{dataset.name}")


@blueprint.get("/datasets/<name>")
@login_required
async def dataset(name: str):
    station, user = web().station, await signed_in_user()
    found = await station.training.dataset(user.id, name)
    findings = await station.training.review.check(found)
    try:
        quote, problems = (await station.training.quote(user.id, found.name), []) if not findings else (None, [])
    except DatasetNotReady as error:
        quote, problems = None, error.problems
    template = station.catalogue.get(station.training.template_name())
    checkpoints = await station.workers.choices("checkpoints")
    return await render_template("dataset.html", dataset=found, quote=quote, problems=problems, findings=findings,
                                 captions=await caption_offer(user.id, found.name, findings),
                                 request_key=secrets.token_urlsafe(12),
                                 fields=fields_for(template.spec.params, {}, checkpoints=checkpoints),
                                 max_mb=web().settings.max_upload_bytes / 1_000_000)


@blueprint.post("/datasets/<name>/images")
@login_required
async def upload(name: str):
    user, training = await signed_in_user(), web().station.training
    await training.dataset(user.id, name)
    uploads = [f for f in (await request.files).getlist("images") if f.filename]
    if not uploads:
        await flash("Choose one or more pictures to add.", "error")
    for upload in uploads:
        try:
            await training.add_image(user.id, name, read_upload(upload))
        except (DomainError, MediaRejected) as error:
            await flash(f"{upload.filename}: {error}", "error")
    return redirect(f"/training/datasets/{name}")


@blueprint.post("/datasets/<name>/captions")
@login_required
async def captions(name: str):
    user, training = await signed_in_user(), web().station.training
    found, form = await training.dataset(user.id, name), await request.form
    for number, image in enumerate(found.images, start=1):
        text = form.get(f"caption_{number}")
        if text is not None and text.strip() != image.caption:
            await training.caption(user.id, name, number, text)
    await flash("Captions saved.", "info")
    return redirect(f"/training/datasets/{name}")


@blueprint.post("/datasets/<name>/images/<int:number>/remove")
@login_required
async def remove(name: str, number: int):
    await web().station.training.remove_image((await signed_in_user()).id, name, number)
    return redirect(f"/training/datasets/{name}")


@blueprint.post("/datasets/<name>/trigger")
@login_required
async def trigger(name: str):
    word = (await request.form).get("trigger", "").strip()
    await web().station.training.trigger((await signed_in_user()).id, name, word)
    return redirect(f"/training/datasets/{name}")


@blueprint.post("/datasets/<name>/delete")
@login_required
async def delete(name: str):
    await web().station.training.delete((await signed_in_user()).id, name)
    await flash(f"Dataset '{name}' deleted.", "info")
    return redirect("/training/")


@blueprint.post("/datasets/<name>/draft")
@login_required
async def draft(name: str):
    station, user = web().station, await signed_in_user()
    template = station.catalogue.get(station.training.template_name())
    run = await station.training.draft(user.id, name, raw_values(template.spec.params, await request.form))
    return redirect(f"/training/runs/{run.id}")


@blueprint.get("/runs/<run_id>")
@login_required
async def run_page(run_id: str):
    station, user = web().station, await signed_in_user()
    run, job = await station.training.run(user.id, run_id)
    model, found = await station.training.outcome(user.id, run)
    curve = first_image(job.outputs) if job is not None else None  # the loss curve, kept with the model
    return await render_template("run.html", run=run, job=job, model=model, dataset=found, curve=curve)


@blueprint.post("/runs/<run_id>/confirm")
@login_required
async def confirm(run_id: str):
    user = await signed_in_user()
    run = await web().station.training.confirm(user.id, run_id, origin(user.id))
    return redirect(f"/training/runs/{run.id}")


@blueprint.post("/runs/<run_id>/discard")
@login_required
async def discard(run_id: str):
    run = await web().station.training.discard((await signed_in_user()).id, run_id)
    return redirect(f"/training/runs/{run.id}")


@blueprint.post("/runs/<run_id>/cancel")
@login_required
async def cancel(run_id: str):
    user = await signed_in_user()
    run = await web().station.training.cancel(user.id, run_id)
    await flash(refund_message(await ended(user.id, run.job_id or "")), "info")
    return redirect(f"/training/runs/{run_id}")

