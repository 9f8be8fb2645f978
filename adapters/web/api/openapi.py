"""The OpenAPI 3.1 document of /api/v1, with each tool's parameters taken from the catalogue."""
from __future__ import annotations

from quart import Blueprint, jsonify

from adapters.web.context import web
from domain.blobs import Shown
from domain.catalogue import SEED_MAX, FollowUp, ParamSpec, ToolSpec
from domain.credentials import MAX_TOKEN_DAYS
from domain.jobs import JobState
from domain.outputs import OutputKind
from domain.settings import settable_params
from domain.workflows.collections import MAX_LINK_DAYS

blueprint = Blueprint("openapi", __name__)


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: tuple[str, ...] = (), /, **properties) -> dict:
    return {"type": "object", "properties": properties, **({"required": list(required)} if required else {})}


STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
NULL_STR = {"type": ["string", "null"]}
# Text holds no control character but tab and line breaks (domain/text.py); a name none at all.
TEXT_CHARACTERS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
COLLECTION_NAME = {"type": "string", "pattern": "^(?=[\\w\\- ]{1,60}$) *[\\w-][\\w\\- ]*$"}
DATASET_NAME = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$"}
TRIGGER = {"type": "string", "pattern": "^[A-Za-z0-9_-]{2,40}$"}
TOKEN_NAME = {"type": "string", "minLength": 1, "maxLength": 60}
TOKEN_LIFE = {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_TOKEN_DAYS}
LINK_DAYS = {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_LINK_DAYS}
MAP = {"type": "object", "additionalProperties": True}
SCHEMAS = {
    "Error": obj(("error",), error=obj(("status", "code", "message"), status=INT, code=STR, message=STR,
                                       field=STR)),
    "Param": obj(name=STR, type=STR, description=STR, default={}, required=BOOL, min={"type": ["number", "null"]},
                 max={"type": ["number", "null"]}, choices={"type": "array", "items": STR}),
    "Tool": obj(name=STR, title=STR, description=STR, kind=STR, price=STR,
                output={"type": "string", "enum": [k.value for k in OutputKind]},
                params={"type": "array", "items": ref("Param")}),
    "Quote": obj(tool=STR, values=MAP, price=INT, balance=INT, affordable=BOOL),
    "Output": obj(key=STR, url=STR, image=BOOL, shown={"type": "string", "enum": [s.value for s in Shown]}),
    "Job": obj(id=STR, tool=STR, kind=STR, output={"type": "string", "enum": [k.value for k in OutputKind]}, state={"type": "string", "enum": [s.value for s in JobState]},
               terminal=BOOL, position={"type": ["integer", "null"]}, price=INT, refunded=BOOL,
               progress=obj(percent=NUM, step=INT, total=INT, message=STR, words=STR), preview=NULL_STR,
               error=NULL_STR, params=MAP,
               outputs={"type": "array", "items": ref("Output")}, parent_id=NULL_STR, created_at=NUM,
               updated_at=NUM),
    "JobPage": obj(jobs={"type": "array", "items": ref("Job")}, next_offset={"type": ["integer", "null"]}),
    "Upload": obj(key=STR, url=STR),
    "FollowUps": obj(follow_ups={"type": "array", "items": obj(
        action={"type": "string", "enum": [a.value for a in FollowUp]}, price=INT, url=STR)}),
    "Dataset": obj(id=STR, name=STR, trigger=STR, created_at=NUM, problems={"type": "array", "items": STR},
                   images={"type": "array", "items": obj(number=INT, url=STR, caption=STR, width=INT, height=INT)}),
    "Run": obj(id=STR, state=STR, dataset_id=STR, model_name=STR, price=INT, tool=STR, params=MAP,
               model_id=NULL_STR, error=NULL_STR, created_at=NUM, job={"oneOf": [ref("Job"), {"type": "null"}]}),
    "Model": obj(id=STR, name=STR, trigger=STR, filename=STR, size=INT, visibility=STR, mine=BOOL, created_at=NUM,
                 shared_with={"type": "array", "items": STR}, download_url=STR),
    "Collection": obj(id=STR, name=STR, visibility=STR, mine=BOOL, editable=BOOL, created_at=NUM,
                      items={"type": "array", "items": obj(number=INT, kind=STR, ref=STR, url=STR)},
                      shared_with=MAP, link={"type": ["object", "null"]}),
    "Entry": obj(id=STR, kind=STR, amount=INT, reason=STR, job_id=NULL_STR, created_at=NUM),
    "Points": obj(balance=INT, entries={"type": "array", "items": ref("Entry")}, next_before={"type": ["number", "null"]}),
    "Me": obj(id=STR, display_name=STR, identities={"type": "array", "items": STR}, balance=INT),
    "Settings": obj(settings={"type": "object", "additionalProperties": obj(value={}, chosen=BOOL)}),
    "LinkCode": obj(code=STR, expires_at=NUM),
    "Session": obj(id=STR, kind={"type": "string", "enum": ["session", "token"]}, name=STR, created_at=NUM,
                   last_used_at={"type": ["number", "null"]}, expires_at=NUM, current=BOOL),
    "Sessions": obj(sessions={"type": "array", "items": ref("Session")}),
    "NewToken": {"allOf": [ref("Session"), obj(("token",), token=STR)]},
}
ERRORS = {"400": "Malformed request or a parameter out of bounds", "401": "Not signed in",
          "402": "Not enough points", "403": "Visible but not yours to change", "404": "Not found, or not yours",
          "409": "Not ready, or changed meanwhile", "413": "Upload too large", "422": "The worker refused the job",
          "429": "Too many attempts: wait Retry-After seconds", "503": "The station's storage is full"}


def param_schema(spec: ParamSpec) -> dict:
    base = {"description": spec.description} if spec.description else {}
    if spec.type == "text":
        return {**base, "type": "string", "maxLength": spec.max_length, "pattern": TEXT_CHARACTERS,
                **({"minLength": 1} if spec.required else {})}
    if spec.type in ("int", "float"):
        bounds = {k: v for k, v in (("minimum", spec.min), ("maximum", spec.max)) if v is not None}
        return {**base, "type": "integer" if spec.type == "int" else "number", **bounds}
    if spec.type == "seed":
        return {**base, "oneOf": [{"type": "integer", "minimum": 0, "maximum": SEED_MAX}, {"const": "random"}]}
    if spec.type == "choice":
        return {**base, "type": "string", "enum": list(spec.choices)}
    if spec.type == "image":
        return {**base, "type": "string", "minLength": 1,
                "description": f"{spec.description} A key from POST /uploads or a result."}
    return {**base, "type": "string"}


def optional(schema: dict, spec: ParamSpec) -> dict:
    """A parameter that may be left out may also be null: the manifest's default (or the user's) is used."""
    return schema if spec.required else {"anyOf": [schema, {"type": "null"}]}


def tool_params(spec: ToolSpec) -> dict:
    required = tuple(p.name for p in spec.params if p.required)
    return {**obj(required, **{p.name: optional(param_schema(p), p) for p in spec.params}),
            "additionalProperties": False}


def setting_values(tools: list[ToolSpec]) -> dict:
    """What PATCH /settings takes: a default for any settable parameter (null is refused there)."""
    settable = {name: {"allOf": [param_schema(spec) for spec in specs]} if len(specs) > 1 else param_schema(specs[0])
                for name, specs in settable_params(tools).items()}  # within the bounds of every tool using it
    return {"type": "object", "properties": settable, "additionalProperties": False}


# Any operation: a malformed request, not signed in, not found or not yours, storage full.
BASE_ERRORS = ("400", "401", "404", "503")


def op(summary: str, ok: str | None, body: dict | None = None, status: str = "200", errors: tuple[str, ...] = (),
       query: tuple[tuple[str, dict], ...] = (), multipart: dict | None = None) -> dict:
    """One operation: its answer, every error it can give (each as an Error), its body and query parameters."""
    codes = set(BASE_ERRORS) | set(errors) | ({"413"} if body is not None or multipart is not None else set())
    answer = {"description": "Done"} if status == "204" else {"description": "OK"} | (
        {"content": {"application/json": {"schema": ref(ok)}}} if ok else {})
    operation: dict = {"summary": summary, "responses": {
        status: answer, **{code: {"description": ERRORS[code], "content": {"application/json": {"schema": ref("Error")}}}
                           for code in sorted(codes)}}}
    for kind, schema in (("application/json", body), ("multipart/form-data", multipart)):
        if schema is not None:  # a body without required fields may be left out
            operation["requestBody"] = {"required": bool(schema.get("required")), "content": {kind: {"schema": schema}}}
    if query:
        operation["parameters"] = [{"name": n, "in": "query", "required": False, "schema": s} for n, s in query]
    return operation


def _name_body(field: str, extra: dict | None = None) -> dict:
    return obj((field,), **{field: STR}, **(extra or {}))


def routes(tools: list[ToolSpec]) -> dict:
    paths = {
        "/me": {"get": op("Who I am, my linked identities and balance", "Me", errors=("401",))},
        "/tools": {"get": op("Every tool with its parameters and price rule", None, errors=("401",))},
        "/tools/{tool}": {"get": op("One tool", "Tool")},
        "/jobs": {"get": op("My jobs, newest first (the gallery: state=succeeded)", "JobPage", query=(
            ("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
            ("offset", {"type": "integer", "minimum": 0, "maximum": 10_000_000, "default": 0}),
            ("state", {"type": "string", "enum": [s.value for s in JobState]})), errors=("400", "401"))},
        "/jobs/{job_id}": {"get": op("One of my jobs", "Job")},
        "/jobs/{job_id}/events": {"get": op("Server-Sent Events: the job as JSON on every change", None) | {
            "responses": {**op("", None)["responses"], "200": {"description": "'job' events until the job ends",
                                                                 "content": {"text/event-stream": {"schema": ref("Job")}}}}}},
        "/jobs/{job_id}/follow-ups": {"get": op("What the result offers now, each at its price", "FollowUps")},
        "/jobs/{job_id}/cancel": {"post": op("Cancel a queued or running job; paid points come back", "Job")},
        "/jobs/{job_id}/preview": {"get": op("The newest picture of the job while it is made (the Job's 'preview')",
                                             None) | {"responses": {**op("", None)["responses"], "200": {
                                                 "description": "A JPEG or PNG picture", "content": {
                                                     "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                                                     "image/png": {"schema": {"type": "string", "format": "binary"}}}}}}},
        **{f"/jobs/{{job_id}}/{a}": {"post": op(s, "Job", status="201", errors=("402", "409", "422"))}
           for a, s in (("reroll", "The same again with a new seed"), ("vary", "A variation of the result"),
                        ("upscale", "Upscale the result"), ("retry", "A failed or cancelled job asked for again"),
                        ("make", "A picture from a text result's words"),
                        ("mine", "A picture from the prompt a prompt assistant was given"))},
        "/uploads": {"post": op("Store a picture for an image-taking tool", "Upload", status="201",
                                errors=("400", "401", "413"), multipart=obj(("image",), image={
                                    "type": "string", "format": "binary"}))},
        "/datasets": {"get": op("My datasets", None, errors=("401",)),
                      "post": op("Create a dataset", "Dataset", obj(("name",), name=DATASET_NAME), status="201",
                                 errors=("409",))},
        "/datasets/{name}": {"get": op("A dataset with what still keeps it from training", "Dataset"),
                             "delete": op("Delete a dataset", None, status="204")},
        "/datasets/{name}/images": {"post": op("Add pictures", "Dataset", status="201", errors=("400", "401", "404",
                                                                                                "413"),
                                               multipart=obj(("images",), images={"type": "array", "minItems": 1, "items": {
                                                   "type": "string", "format": "binary"}}, caption=STR))},
        "/datasets/{name}/images/{number}": {"delete": op("Remove picture N", "Dataset")},
        "/datasets/{name}/images/{number}/caption": {"put": op("Caption picture N", "Dataset", _name_body("caption"))},
        "/datasets/{name}/trigger": {"put": op("Set the trigger word", "Dataset", obj(("trigger",), trigger=TRIGGER))},
        "/datasets/{name}/quote": {"post": op("The price of training it", "Quote", obj(params=MAP),
                                              errors=("400", "401", "404", "409"))},
        "/datasets/{name}/runs": {"post": op("A quoted, unpaid training run", "Run", obj(params=MAP), status="201",
                                             errors=("400", "401", "404", "409"))},
        "/runs": {"get": op("My training runs", None, errors=("401",))},
        "/runs/{run_id}": {"get": op("A training run and its job", "Run")},
        "/runs/{run_id}/confirm": {"post": op("Pay the quoted price and start training", "Run",
                                              errors=("400", "401", "402", "404", "409"))},
        "/runs/{run_id}/discard": {"post": op("Drop an unpaid run", "Run")},
        "/runs/{run_id}/cancel": {"post": op("Cancel training; the points come back", "Run")},
        "/models": {"get": op("Models I can use: mine, shared with me, public", None, errors=("401",))},
        "/models/{model_id}": {"get": op("A model", "Model")},
        "/models/{model_id}/shares": {"post": op("Share with someone (identity platform:id)", "Model",
                                                 _name_body("identity"), errors=("400", "401", "403", "404"))},
        "/models/{model_id}/shares/{user_id}": {"delete": op("Stop sharing", "Model", errors=("401", "403", "404"))},
        "/models/{model_id}/visibility": {"put": op("private, shared or public", "Model", _name_body("visibility"),
                                                    errors=("400", "401", "403", "404"))},
        "/collections": {"get": op("Collections I own or that are shared with me", None, errors=("401",)),
                         "post": op("Create a collection", "Collection", obj(("name",), name=COLLECTION_NAME),
                                    status="201", errors=("409",))},
        "/collections/{collection_id}": {"get": op("A collection", "Collection"),
                                         "delete": op("Delete a collection", None, status="204")},
        "/collections/{collection_id}/items": {"post": op("Add a result image or a model", "Collection", obj(
            ("kind", "ref"), kind={"type": "string", "enum": ["image", "model"]}, ref=STR), status="201",
            errors=("400", "401", "403", "404"))},
        "/collections/{collection_id}/items/{item}": {"delete": op("Remove item N", "Collection",
                                                                   errors=("400", "401", "403", "404"))},
        "/collections/{collection_id}/shares": {"post": op("Share with someone", "Collection", _name_body(
            "identity", {"access": {"type": "string", "enum": ["view", "edit"]}}), errors=("400", "401", "403", "404"))},
        "/collections/{collection_id}/shares/{user_id}": {"delete": op("Stop sharing", "Collection",
                                                                       errors=("401", "403", "404"))},
        "/collections/{collection_id}/link": {"post": op("A link anyone can open, for some days", "Collection",
                                                         obj(days=LINK_DAYS), errors=("400", "401", "403", "404"))},
        "/collections/{collection_id}/visibility": {"put": op("private, shared, link or public", "Collection",
                                                              _name_body("visibility"), errors=("400", "401", "403",
                                                                                                "404"))},
        "/points": {"get": op("Balance and ledger history, newest first", "Points", errors=("400", "401"), query=(
            ("limit", {"type": "integer", "minimum": 1, "maximum": 200}), ("before", NUM)))},
        "/settings": {"get": op("My defaults for generation parameters", "Settings", errors=("401",)),
                      "patch": op("Change defaults", "Settings", obj(("values",), values=setting_values(tools))),
                      "delete": op("Reset defaults (all, or each ?name=)", "Settings", errors=("401",))},
        "/sessions": {"get": op("My sessions and API tokens (current: the one sending this)", "Sessions",
                                errors=("401",)),
                      "delete": op("Sign out everywhere: every session and token, this one too", None,
                                   status="204")},
        "/sessions/{session_id}": {"delete": op("End a session or revoke a token", None, status="204")},
        "/tokens": {"post": op("Make a named API token (shown once); days defaults to the station's", "NewToken",
                               obj(("name",), name=TOKEN_NAME, days=TOKEN_LIFE), status="201",
                               errors=("400", "401", "429"))},
        "/link-code": {"post": op("A one-time code: send /link CODE to a bot to join that chat account", "LinkCode",
                                  status="201", errors=("429",))},
    }
    for spec in tools:
        if spec.kind == "training":
            continue
        body = obj(("params",) if any(p.required for p in spec.params) else (), params=ref(f"Params_{spec.name}"))
        paths[f"/tools/{spec.name}/quote"] = {"post": op(f"Price of /{spec.name}: {spec.title}", "Quote", body)}
        paths[f"/tools/{spec.name}/price"] = {"post": op(f"Price of /{spec.name} for the values given so far "
                                                         "(required ones may be missing)", "Quote", obj(params=MAP))}
        job_body = {**body, "properties": {**body["properties"], "request_key": {
            "type": ["string", "null"], "description": "Send the same key again and get the same job, charged once."}}}
        paths[f"/tools/{spec.name}/jobs"] = {"post": op(f"Run /{spec.name}: {spec.description}", "Job", job_body,
                                                        status="201", errors=("400", "401", "402", "404", "422"))}
    for path, methods in paths.items():
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        for operation in methods.values():
            operation["parameters"] = operation.get("parameters", []) + [
                {"name": n, "in": "path", "required": True, "schema": INT if n in ("number", "item") else STR}
                for n in names]
    return paths


def document(tools: list[ToolSpec]) -> dict:
    schemas = {**SCHEMAS, **{f"Params_{t.name}": tool_params(t) for t in tools if t.kind != "training"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "StationThis API", "version": "1",
                 "description": "Make images, train LoRA models and manage points. Authenticate with "
                                "'Authorization: Bearer TOKEN' (make one under Sessions on the web, or "
                                "an operator runs: stationthis web token create IDENTITY)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
        "paths": routes(tools),
    }


@blueprint.get("/openapi.json")
async def openapi():
    return jsonify(document(web().station.catalogue.tools()))
