"""Who is asking: API tokens for scripts, server-side sessions (their secret in a signed cookie) for browsers."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from quart import g, redirect, request, session
from werkzeug.exceptions import Unauthorized

from adapters.web.context import web
from adapters.web.devices import device_name
from domain.credentials import Credential, CredentialKind
from domain.identity import User

SESSION_KEY = "sid"


async def current_credential() -> Credential | None:
    """The live session or token the request carries: a bearer token (which wins) or the session cookie."""
    known = _request_values()
    if "credential" not in known:
        header = request.headers.get("Authorization", "")
        credentials = web().station.credentials
        if header[:7].lower() == "bearer ":
            known["auth"], known["credential"] = "bearer", await credentials.check(header[7:].strip(),
                                                                                  CredentialKind.TOKEN)
        else:
            known["credential"] = await credentials.check(session.get(SESSION_KEY), CredentialKind.SESSION)
            known["auth"] = "cookie" if known["credential"] else None
    return known["credential"]


def _request_values() -> dict:
    """The request's `g` as the plain dict it keeps its values in: read several times a page, without going
    through the `g` proxy each time."""
    return vars(g._get_current_object())


async def current_user_id() -> str | None:
    credential = await current_credential()
    return credential.user_id if credential else None


async def authenticated_by_bearer() -> bool:
    await current_credential()
    return _request_values()["auth"] == "bearer"


def signed_in_id() -> str:
    """The user's id where signing in is required (the API's guard and `login_required` checked it first)."""
    credential = _request_values().get("credential")
    if credential is None:
        raise Unauthorized()
    return credential.user_id


async def signed_in_user() -> User:
    user = await current_user()
    if user is None:
        raise Unauthorized()
    return user


async def current_user() -> User | None:
    known = _request_values()
    if "user" not in known:
        user_id = await current_user_id()
        known["user"] = await web().station.accounts.get(user_id) if user_id else None
    return known["user"]


def client_address() -> str:
    """Who is asking, for rate limits: the peer's address (the proxy's client with WEB_TRUSTED_PROXY_HOPS)."""
    return request.remote_addr or "unknown"


async def start_session(user: User) -> None:
    """A fresh session for `user` (a new CSRF token too, so nothing from before sign-in carries over)."""
    secret = await web().station.credentials.start_session(user.id, device_name(request.headers.get("User-Agent")))
    session.clear()
    session[SESSION_KEY] = secret
    session.permanent = True
    known = _request_values()
    for name in ("credential", "auth", "user"):
        known.pop(name, None)


async def end_session() -> None:
    """Sign out: the session stops working at once, wherever its cookie was copied to."""
    await web().station.credentials.end(session.get(SESSION_KEY))
    session.clear()


def login_required(view):
    """Pages: send visitors who are not signed in to the sign-in page, then back here."""

    @wraps(view)
    async def wrapper(*args, **kwargs):
        if await current_user() is None:
            return redirect("/signin?" + urlencode({"next": request.full_path.rstrip("?")}))
        return await view(*args, **kwargs)

    return wrapper
