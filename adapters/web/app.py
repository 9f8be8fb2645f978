"""The Quart application: pages, the JSON API, health and metrics, wired to one Station."""
from __future__ import annotations

from datetime import timedelta

from quart import Quart, request

from adapters.chat.webhooks import WebhookRoutes
from adapters.web import (
    auth,
    collections,
    csrf,
    dataset_fixes,
    errors,
    gallery,
    health,
    hooks,
    jobs,
    make,
    media,
    models,
    page_context,
    points,
    session_pages,
    settings,
    training,
)
from adapters.web.api import blueprint as api
from adapters.web.context import Web, WebSettings
from adapters.web.notifier import WebNotifier
from adapters.web.routes import App
from adapters.web.session_cookie import RememberingCookieSessions
from domain.workflows.station import Station

FORM_OVERHEAD = 64 * 1024  # multipart boundaries and fields around one file of the allowed size
CSP = ("default-src 'self'; script-src 'self' https://telegram.org; frame-src https://oauth.telegram.org; "
       "img-src 'self' data: blob:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
NOT_A_PAGE = "default-src 'none'; frame-ancestors 'none'; sandbox"  # JSON, pictures, files: nothing runs or frames
HSTS = "max-age=31536000"
BLUEPRINTS = (auth, make, jobs, gallery, media, training, dataset_fixes, models, collections, points, settings,
              session_pages, health, hooks)


def create_app(station: Station, config: WebSettings, notifier: WebNotifier | None = None,
               webhooks: WebhookRoutes | None = None) -> Quart:
    app = App(__name__)
    app.secret_key = config.secret_key
    app.session_interface = RememberingCookieSessions()
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
    for name, processors in app.template_context_processors.items():
        # Each blueprint carries Flask's synchronous default context processor, which Quart runs on a worker
        # thread for every page; the app's own asynchronous one already gives templates g, request and session.
        if name is not None:
            processors[:] = [p for p in processors if p.__module__ != "flask.templating"]

    page_context.install(app, station, config)

    @app.get("/favicon.ico")
    async def favicon():
        """For clients that ask before (or without) reading the page's <link rel="icon">."""
        return await app.send_static_file("favicon.svg")

    @app.after_request
    async def security_headers(response):
        page = response.mimetype == "text/html"
        wanted = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
                  "Content-Security-Policy": CSP if page else NOT_A_PAGE}
        if config.secure_cookies:
            wanted["Strict-Transport-Security"] = HSTS
        if page or request.path.startswith("/api/"):
            wanted["Cache-Control"] = "no-store"
        # A view's own header stays. One look at the names: werkzeug's setdefault raises and catches a KeyError
        # for every header not there yet, which is all of these on nearly every answer.
        present = set(response.headers.keys(lower=True))
        for name, value in wanted.items():
            if name.lower() not in present:
                response.headers.add(name, value)
        return response

    return app
