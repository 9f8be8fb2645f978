"""CSRF protection: every state-changing request from a browser carries the session's token."""
from __future__ import annotations

import hmac
import secrets

from quart import Quart, request, session

from adapters.web.sessions import authenticated_by_bearer, current_user_id

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
HOOKS = "/hooks/"


class CsrfRejected(Exception):
    """The request carried no CSRF token, or one that is not this session's."""

    def __init__(self):
        super().__init__("This form has expired or did not come from this site. Reload the page and try again.")


def csrf_token() -> str:
    current = session._get_current_object()  # type: ignore[attr-defined]  # asked several times a page
    if FIELD not in current:
        current[FIELD] = secrets.token_urlsafe(32)
    return current[FIELD]


def matches_csrf_token(sent: str | None) -> bool:
    expected = session.get(FIELD)
    return bool(sent and expected and hmac.compare_digest(sent.encode(), expected.encode()))


async def check_csrf() -> None:
    if request.method in SAFE_METHODS or await authenticated_by_bearer():
        return
    if request.path.startswith(HOOKS):
        return  # chat platforms' webhooks: no browser session; each checks its own secret header
    if request.path.startswith("/api/") and await current_user_id() is None:
        return  # not signed in at all: the API answers 401 instead
    sent = request.headers.get(HEADER)
    if sent is None and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = (await request.form).get(FIELD)
    if not matches_csrf_token(sent):
        raise CsrfRejected()


def install(app: Quart) -> None:
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
