"""What every page's layout shows: who is signed in, their balance, the sections menu, the workers' state."""
from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup
from quart import Quart, current_app, get_flashed_messages, request, session

from adapters.web.context import WebSettings, web
from adapters.web.csrf import csrf_token
from adapters.web.render import plain_env
from adapters.web.sessions import current_user
from domain.blobs import shown_as
from domain.identity import User
from domain.wording import outcome, progress
from domain.workflows.station import Station

SECTIONS = (("/make", "Make"), ("/gallery", "Gallery"), ("/training/", "Training"), ("/models/", "Models"),
            ("/collections/", "Collections"), ("/points", "Points"), ("/settings", "Settings"))


def install(app: Quart, station: Station, config: WebSettings) -> None:
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["outcome"] = sentence_of_outcome
    app.jinja_env.filters["progress"] = progress
    app.jinja_env.filters["tool_title"] = lambda name: tool_title(station, name)
    app.jinja_env.filters["shown"] = lambda key: shown_as(key).value  # image, video, text or file
    app.jinja_env.globals["notices"] = notices

    @app.context_processor
    async def page_context() -> dict:
        user, token = await current_user(), csrf_token()
        return {"user": user, "balance": await station.points.balance(user.id) if user else None,
                "sections": await sections_menu(user, token) if user else None, "csrf_value": token,
                "workers_ok": station.workers.any_healthy(), "demo": config.demo,
                "max_upload_mb": config.max_upload_bytes / 1_000_000}


async def sections_menu(user: User, token: str) -> Markup:
    """The menu of sections with the current one marked, and sign-out (with the session's CSRF `token`): made
    once per section, user and session."""
    asked = request.path
    here = next((path for path, _ in SECTIONS if asked.startswith(path.rstrip("/"))), None)
    return await web().fragments.html(plain_env(current_app), "sections.html", (here, user.display_name, token),
                                      lambda: {"sections": SECTIONS, "here": here, "who": user.display_name,
                                               "token": token})


def notices() -> list:
    """The messages flashed for this page, as (category, message); Quart's own look costs more when, as on
    nearly every page, there are none."""
    return get_flashed_messages(with_categories=True) if "_flashes" in session else []


def sentence_of_outcome(job) -> str:
    """Why a job has no result, in the words every face uses, as a sentence."""
    words = outcome(job)
    return words[:1].upper() + words[1:]


def tool_title(station: Station, name: str) -> str:
    """A tool's title for people ("Text to image") from its name, with or without its slash; a name this station
    no longer has stays as it is."""
    tool = name.removeprefix("/")
    return station.catalogue.get(tool).spec.title if tool in station.catalogue else name


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
