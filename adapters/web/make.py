"""Make: pick a tool, fill the form the catalogue describes, see the price, submit, follow the job."""
from __future__ import annotations

import secrets

from quart import Blueprint, current_app, redirect, request

from adapters.web.context import origin, web
from adapters.web.errors import status_of
from adapters.web.forms import fields_for, raw_values
from adapters.web.present import media_url
from adapters.web.render import plain_env, render_template
from adapters.web.sessions import login_required, signed_in_user
from adapters.web.uploads import read_upload
from domain.blobs import is_image
from domain.catalogue import FollowUp, ToolKind, ToolSpec
from domain.errors import DomainError, NotFound
from ports.media import MediaRejected

blueprint = Blueprint("make", __name__)
UPLOAD_SUFFIX = "__file"
_ASSISTANTS = "stationthis.assistants"


@blueprint.get("/make")
@login_required
async def tools():
    station, user = web().station, await signed_in_user()
    specs = [t.spec for t in station.catalogue.templates() if t.spec.kind != ToolKind.TRAINING]
    mine = await _settings(user.id)
    return await render_template("make_index.html", tools=specs, prices={s.name: s.usual_price(mine) for s in specs})


@blueprint.get("/make/<tool>")
@login_required
async def form(tool: str):
    spec = _tool(tool)
    return await _render(spec, {k: v for k, v in request.args.items() if k in spec.names()})


@blueprint.post("/make/<tool>")
@login_required
async def submit(tool: str):
    spec, station, user = _tool(tool), web().station, await signed_in_user()
    form = await request.form
    raw = raw_values(spec.params, form)
    quote = None
    try:
        raw.update(await _uploaded_image(spec, user.id))
        if form.get("action") == "quote":
            quote = await station.make_image.quote(user.id, spec.name, raw)
        else:
            job = await station.make_image.submit(user.id, spec.name, raw, origin(user.id),
                                                  request_key=_request_key(user.id, form.get("request_key")))
            return redirect(f"/jobs/{job.id}")
    except (DomainError, MediaRejected) as error:
        return await _render(spec, raw, error=str(error)), status_of(error)
    return await _render(spec, raw, quote=quote)


async def _settings(user_id: str) -> dict:
    """The settings the user chose (each tool has its own defaults for the rest)."""
    return {name: value for name, (value, chosen) in (await web().station.settings.show(user_id)).items() if chosen}


@blueprint.post("/make/<tool>/assist/<assistant>")
@login_required
async def assist(tool: str, assistant: str):
    """Improve the form's prompt with a prompt assistant; its result links back here with the words filled in."""
    spec, station, user = _tool(tool), web().station, await signed_in_user()
    helper, form = station.catalogue.get(assistant).spec, await request.form
    if helper.name not in [a.name for a in _assistants(spec)] or spec.prompt_param is None:
        raise NotFound(f"/{helper.name} does not improve prompts for /{spec.name}.")
    prompt, nonce = form.get(spec.prompt_param.name, ""), form.get("request_key")
    try:
        assert helper.prompt_param is not None  # _assistants only names tools with a prompt
        job = await station.make_image.submit(user.id, helper.name, {helper.prompt_param.name: prompt},
                                              origin(user.id), request_key=_request_key(user.id, nonce and f"a:{nonce}"))
    except DomainError as error:
        return await _render(spec, raw_values(spec.params, form), error=str(error)), status_of(error)
    return redirect(f"/jobs/{job.id}")


def _assistants(spec: ToolSpec) -> list[ToolSpec]:
    """Prompt assistants whose improved prompt makes a picture with this tool ("Make it" / "Use mine"); found once
    per tool, as a station's catalogue stays as it started."""
    known: dict[str, list[ToolSpec]] = current_app.extensions.setdefault(_ASSISTANTS, {})
    if spec.name not in known:
        catalogue = web().station.catalogue
        known[spec.name] = [t.spec for t in catalogue.templates() if FollowUp.MINE in t.spec.follow_ups
                            and t.spec.prompt_param is not None and (target := catalogue.makes_with(t.spec)) is not None
                            and target.name == spec.name]
    return known[spec.name]


def _tool(name: str) -> ToolSpec:
    spec = web().station.catalogue.get(name).spec
    if spec.kind == ToolKind.TRAINING:
        raise NotFound(f"/{spec.name} trains a model: use the training studio.")
    return spec


async def _uploaded_image(spec: ToolSpec, user_id: str) -> dict:
    """A picture sent with the form itself (browsers without JavaScript), kept as the user's input."""
    param = spec.image_param
    upload = (await request.files).get(f"{param.name}{UPLOAD_SUFFIX}") if param else None
    if param is None or upload is None or not upload.filename:
        return {}
    return {param.name: await web().station.media.store_input(user_id, read_upload(upload))}


def _request_key(user_id: str, nonce: str | None) -> str | None:
    """The form's one-time nonce: submitting the same form twice makes one job and one charge."""
    return f"web:{user_id}:{nonce[:64]}" if nonce else None


async def _render(spec: ToolSpec, values: dict, error: str = "", quote=None):
    """The form with `values` (else the user's settings, else the defaults) and the price of exactly that."""
    station, user = web().station, await signed_in_user()
    estimate = None
    if quote is None and not error:
        try:
            quote = estimate = await station.make_image.estimate(user.id, spec.name, values)
        except DomainError as refused:  # values from the address bar, say: shown as they are, with what is wrong
            error = str(refused)
    filled = estimate.values if estimate else {**await _settings(user.id), **values}
    types = {p.type for p in spec.params}
    models = [m.name for m in await station.models.visible(user.id)] if "lora" in types else []
    checkpoints = await station.workers.choices("checkpoints") if "checkpoint" in types else []
    image = spec.image_param and values.get(spec.image_param.name)
    preview = media_url(image) if image and is_image(image) else None
    key = (spec.name, tuple(filled.get(p.name) for p in spec.params), tuple(models), tuple(checkpoints), preview)
    fields = await web().fragments.html(plain_env(current_app), "fields.html", key, lambda: {
        "fields": fields_for(spec.params, filled, models, checkpoints), "upload_suffix": UPLOAD_SUFFIX,
        "preview": preview})
    return await render_template("make.html", spec=spec, fields=fields, error=error, quote=quote,
                                 request_key=secrets.token_urlsafe(12), assistants=_assistants(spec))
