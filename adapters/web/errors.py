"""One place that turns errors into answers: JSON for the API, a page or a message for browsers."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from quart import Quart, flash, jsonify, redirect, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from adapters.web.context import web
from adapters.web.csrf import CsrfRejected
from adapters.web.redirects import local_path
from adapters.web.render import render_template
from domain.errors import (
    ConcurrentUpdate,
    Conflict,
    DatasetNotReady,
    DomainError,
    EngineRejected,
    Forbidden,
    InsufficientPoints,
    InvalidParameter,
    NotFound,
    UnknownTool,
)
from domain.rate_limits import TooManyAttempts
from ports.media import MediaRejected
from ports.space import StorageFull

log = logging.getLogger(__name__)

STATUS = ((TooManyAttempts, 429, "too_many_attempts"), (InvalidParameter, 400, "invalid_parameter"), (UnknownTool, 404, "unknown_tool"),
          (InsufficientPoints, 402, "insufficient_points"), (NotFound, 404, "not_found"),
          (Forbidden, 403, "forbidden"), (DatasetNotReady, 409, "dataset_not_ready"),
          (EngineRejected, 422, "engine_rejected"), (ConcurrentUpdate, 409, "conflict"), (Conflict, 409, "conflict"),
          (DomainError, 400, "invalid"))


class BadRequest(Exception):
    """A malformed API request; `field` names the part at fault."""

    def __init__(self, field: str, message: str, status: int = 400):
        super().__init__(f"{field}: {message}")
        self.field, self.status = field, status


def status_of(error: Exception) -> int:
    if isinstance(error, MediaRejected):
        return 400
    return next((s for kind, s, _ in STATUS if isinstance(error, kind)), 500)


def is_api() -> bool:
    return request.path.startswith("/api/")


async def answer(status: int, code: str, message: str, back: bool = False, **extra):
    """JSON on the API; in a browser, back to the form with the message (`back`), or an error page."""
    if is_api():
        return jsonify({"error": {"status": status, "code": code, "message": message, **extra}}), status
    if back and request.method == "POST" and status != 404:
        await flash(message, "error")
        return redirect(_back())
    return await render_template("error.html", status=status, message=message), status


def _back() -> str:
    """The page the form was on, if it is one of ours."""
    referrer = urlsplit(request.referrer or "")
    back = local_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
    return back if back and referrer.netloc == request.host else "/"


def install(app: Quart) -> None:
    @app.errorhandler(DomainError)
    async def domain_error(error: DomainError):
        status, code = next((s, c) for kind, s, c in STATUS if isinstance(error, kind))
        extra: dict[str, object] = {"field": error.name} if isinstance(error, InvalidParameter) else {}
        if isinstance(error, InsufficientPoints):
            extra = {"balance": error.balance, "price": error.price}
        if isinstance(error, DatasetNotReady):
            extra = {"problems": error.problems}
        if isinstance(error, TooManyAttempts):
            return *await answer(status, code, str(error)), {"Retry-After": str(error.retry_after)}
        return await answer(status, code, str(error), back=True, **extra)

    @app.errorhandler(BadRequest)
    async def bad_request(error: BadRequest):
        return await answer(error.status, "bad_request", str(error), field=error.field)

    @app.errorhandler(MediaRejected)
    async def media_rejected(error: MediaRejected):
        return await answer(400, "not_an_image", str(error), back=True, field="image")

    @app.errorhandler(CsrfRejected)
    async def csrf_rejected(error: CsrfRejected):
        return await answer(400, "csrf", str(error), field="csrf_token")

    @app.errorhandler(RequestEntityTooLarge)
    async def too_large(error):
        limit = web().settings.max_upload_bytes / 1_000_000
        return await answer(413, "too_large", f"That upload is too large: the limit is {limit:g} MB per file.")

    @app.errorhandler(StorageFull)
    async def storage_full(error: StorageFull):
        log.error("storage is full on %s %s: %s", request.method, request.path, error)
        return await answer(503, "storage_full", "Sorry, the station's storage is full, so this could not be saved. "
                                                 "Please try again later.")

    @app.errorhandler(HTTPException)
    async def http_error(error: HTTPException):
        response = await answer(error.code or 500, error.name.lower().replace(" ", "_"), error.description or error.name)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            return *response, {"Allow": ", ".join(sorted(error.valid_methods))}
        return response

    @app.errorhandler(Exception)
    async def crash(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return await answer(500, "internal", "Something went wrong on our side. Please try again in a moment.")
