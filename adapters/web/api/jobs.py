"""API: tools, quotes, jobs (submit, list, follow live, cancel, follow-ups) and image uploads."""
from __future__ import annotations

import json
from functools import partial

from quart import Blueprint, Response, jsonify, request

from adapters.web import present
from adapters.web.api.body import json_body, mapping, query_int, text
from adapters.web.context import origin, web
from adapters.web.errors import BadRequest
from adapters.web.sessions import signed_in_id
from adapters.web.uploads import read_upload
from domain.catalogue import FollowUp
from domain.errors import NotFound
from domain.workflows.jobs import JobFilter

blueprint = Blueprint("jobs", __name__)
POLL_S = 2.0
KEEPALIVE_EVERY = 8


@blueprint.get("/tools")
async def tools():
    return jsonify({"tools": [present.tool(t) for t in web().station.catalogue.tools()]})


@blueprint.get("/tools/<tool>")
async def tool(tool: str):
    return jsonify(present.tool(web().station.catalogue.get(tool).spec))


@blueprint.post("/tools/<tool>/quote")
async def quote(tool: str):
    params = mapping(await json_body(), "params")
    return jsonify(present.quote(await web().station.make_image.quote(signed_in_id(), tool, params)))


@blueprint.post("/tools/<tool>/price")
async def price(tool: str):
    """What the values given so far cost (the required ones may still be missing): a form's live price."""
    params = mapping(await json_body(), "params")
    return jsonify(present.quote(await web().station.make_image.estimate(signed_in_id(), tool, params)))


@blueprint.post("/tools/<tool>/jobs")
async def submit(tool: str):
    body, user_id = await json_body(), signed_in_id()
    params, key = mapping(body, "params"), text(body, "request_key", required=False)
    station = web().station
    job = await station.make_image.submit(user_id, tool, params, origin(user_id),
                                          request_key=f"api:{user_id}:{key[:64]}" if key else None)
    return jsonify(present.job(job, station.jobs.position(job))), 201, {"Location": f"/api/v1/jobs/{job.id}"}


@blueprint.get("/jobs")
async def listing():
    limit, offset = query_int("limit", 20, 1, 100), query_int("offset", 0, 0, 10_000_000)
    found = web()
    jobs = await found.station.jobs.page(signed_in_id(), JobFilter(request.args.get("state"), limit + 1, offset))
    listed = ",".join(found.fragments.json((j.id, j.version), partial(present.job, j)) for j in jobs[:limit])
    more = json.dumps(offset + limit if len(jobs) > limit else None)
    return Response(f'{{"jobs":[{listed}],"next_offset":{more}}}', content_type="application/json")


@blueprint.get("/jobs/<job_id>")
async def job(job_id: str):
    jobs = web().station.jobs
    found = await jobs.get(signed_in_id(), job_id)
    return jsonify(present.job(found, jobs.position(found)))


@blueprint.post("/jobs/<job_id>/cancel")
async def cancel(job_id: str):
    jobs = web().station.jobs
    await jobs.cancel(signed_in_id(), job_id)
    return jsonify(present.job(await jobs.get(signed_in_id(), job_id)))


@blueprint.get("/jobs/<job_id>/follow-ups")
async def follow_ups(job_id: str):
    """What the job's result offers now (a text result: a picture from its words), each at its price."""
    station, user_id = web().station, signed_in_id()
    offers = await station.follow_ups.offers(user_id, await station.jobs.get(user_id, job_id))
    return jsonify({"follow_ups": [{"action": o.action.value, "price": o.price,
                                    "url": f"/api/v1/jobs/{job_id}/{o.action.value}"} for o in offers]})


@blueprint.post(f"/jobs/<job_id>/<any({', '.join(FollowUp)}):action>")
async def follow_up(job_id: str, action: str):
    station, user_id = web().station, signed_in_id()
    made = await station.follow_ups.run(user_id, job_id, action, origin(user_id))
    return jsonify(present.job(made, station.jobs.position(made))), 201


@blueprint.get("/jobs/<job_id>/events")
async def events(job_id: str):
    """Server-Sent Events: the job as JSON whenever it changes, until it ends."""
    jobs, notifier, user_id = web().station.jobs, web().notifier, signed_in_id()
    first = await jobs.get(user_id, job_id)

    async def stream():
        current, last, quiet = first, None, 0
        while current is not None:
            shown = notifier.preview(job_id)
            payload = json.dumps(present.job(current, jobs.position(current), shown[0] if shown else None,
                                             jobs.expected_start(current)))
            if payload != last:
                yield f"event: job\ndata: {payload}\n\n".encode()
                last, quiet = payload, 0
            elif (quiet := quiet + 1) % KEEPALIVE_EVERY == 0:
                yield b": still working\n\n"
            if current.terminal or notifier.closed:
                return
            notice = notifier.latest(job_id) if await notifier.wait(job_id, POLL_S) else None
            current = notice.job if notice is not None else await jobs.get(user_id, job_id)

    response = Response(stream(), content_type="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.timeout = None
    return response


@blueprint.get("/jobs/<job_id>/preview")
async def preview(job_id: str):
    """The newest picture of the job while it was made (kept for a while after it ends)."""
    await web().station.jobs.get(signed_in_id(), job_id)
    shown = web().notifier.preview(job_id)
    if shown is None:
        raise NotFound("That job has no preview.")
    data = shown[1]
    response = Response(data, content_type="image/png" if data.startswith(b"\x89PNG") else "image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.post("/uploads")
async def upload():
    """A picture for an image-taking tool; the key it answers goes into that tool's image parameter."""
    files = await request.files
    image = files.get("image")
    if image is None or not image.filename:
        raise BadRequest("image", "attach a picture as the multipart field 'image'.")
    key = await web().station.media.store_input(signed_in_id(), read_upload(image))
    return jsonify({"key": key, "url": present.media_url(key)}), 201
