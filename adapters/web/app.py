"""The Quart application: pages, the JSON API, health and metrics, wired to one Station."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quart import Quart, request

from adapters.chat.webhooks import WebhookRoutes
from adapters.web import (
    auth,
    collections,
    csrf,
    errors,
    gallery,
    health,
    hooks,
    jobs,
    make,
    media,
    models,
    points,
    session_pages,
    settings,
    training,
)
from adapters.web.api import blueprint as api
from adapters.web.context import Web, WebSettings
from adapters.web.notifier import WebNotifier
from adapters.web.sessions import current_user
from domain.wording import outcome, progress
from domain.workflows.station import Station

FORM_OVERHEAD = 64 * 1024  # multipart boundaries and fields around one file of the allowed size
CSP = ("default-src 'self'; script-src 'self' https://telegram.org; frame-src https://oauth.telegram.org; "
       "img-src 'self' data: blob:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
NOT_A_PAGE = "default-src 'none'; frame-ancestors 'none'; sandbox"  # JSON, pictures, files: nothing runs or frames
HSTS = "max-age=31536000"
BLUEPRINTS = (auth, make, jobs, gallery, media, training, models, collections, points, settings, session_pages,
               health, hooks)


def create_app(station: Station, config: WebSettings, notifier: WebNotifier | None = None,
               webhooks: WebhookRoutes | None = None) -> Quart:
    app = Quart(__name__)
    app.secret_key = config.secret_key
    app.config.update(
        MAX_CONTENT_LENGTH=config.max_upload_bytes + FORM_OVERHEAD, MAX_FORM_MEMORY_SIZE=1_000_000,
        SESSION_COOKIE_NAME="stationthis_session", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies, PERMANENT_SESSION_LIFETIME=timedelta(days=30),
        SESSION_REFRESH_EACH_REQUEST=False,  # a session lasts 30 days from sign-in; no cookie on every answer
        SEND_FILE_MAX_AGE_DEFAULT=timedelta(hours=1), JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]  # Quart's default provider has it
    app.extensions["stationthis"] = Web(station=station, settings=config, notifier=notifier or WebNotifier(),
                                        webhooks=WebhookRoutes() if webhooks is None else webhooks)
    csrf.install(app)
    errors.install(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.blueprint)
    app.register_blueprint(api)

    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["outcome"] = sentence_of_outcome
    app.jinja_env.filters["progress"] = progress

    @app.get("/favicon.ico")
    async def favicon():
        """For clients that ask before (or without) reading the page's <link rel="icon">."""
        return await app.send_static_file("favicon.svg")

    @app.context_processor
    async def page_context() -> dict:
        return {"user": await current_user(), "max_upload_mb": config.max_upload_bytes / 1_000_000}

    @app.after_request
    async def security_headers(response):
        headers, page = response.headers, response.mimetype == "text/html"
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", CSP if page else NOT_A_PAGE)
        if config.secure_cookies:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if page or request.path.startswith("/api/"):
            headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def sentence_of_outcome(job) -> str:
    """Why a job has no result, in the words every face uses, as a sentence."""
    words = outcome(job)
    return words[:1].upper() + words[1:]


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
