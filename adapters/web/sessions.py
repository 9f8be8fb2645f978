"""Who is asking: signed bearer tokens for scripts, signed HttpOnly cookies for browsers."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from itsdangerous import BadData, URLSafeTimedSerializer
from quart import g, redirect, request, session
from werkzeug.exceptions import Unauthorized

from adapters.web.context import web
from domain.identity import User

TOKEN_PREFIX = "st1."


class TokenSigner:
    """Bearer tokens naming a user, signed with the web secret; rotating the secret revokes them all."""

    def __init__(self, secret: str, max_age_days: int = 365):
        self._serializer = URLSafeTimedSerializer(secret, salt="stationthis.api-token")
        self._max_age = max_age_days * 86400

    def issue(self, user_id: str) -> str:
        return TOKEN_PREFIX + self._serializer.dumps(user_id)

    def user_id(self, token: str) -> str | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        try:
            return self._serializer.loads(token[len(TOKEN_PREFIX):], max_age=self._max_age)
        except BadData:
            return None


def current_user_id() -> str | None:
    """The signed-in user's id from a bearer token (which wins) or the session cookie."""
    if "user_id" not in g:
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            g.auth, g.user_id = "bearer", web().tokens.user_id(header[7:].strip())
        else:
            g.user_id = session.get("user_id")
            g.auth = "cookie" if g.user_id else None
    return g.user_id


def authenticated_by_bearer() -> bool:
    current_user_id()
    return g.auth == "bearer"


def signed_in_id() -> str:
    """The user's id where signing in is required (the API's guard and `login_required` make sure of it)."""
    user_id = current_user_id()
    if user_id is None:
        raise Unauthorized()
    return user_id


async def signed_in_user() -> User:
    user = await current_user()
    if user is None:
        raise Unauthorized()
    return user


async def current_user() -> User | None:
    if "user" not in g:
        user_id = current_user_id()
        g.user = await web().station.accounts.get(user_id) if user_id else None
    return g.user


def start_session(user: User) -> None:
    """A fresh session for `user` (a new CSRF token too, so nothing from before sign-in carries over)."""
    session.clear()
    session["user_id"] = user.id
    session.permanent = True
    g.pop("user_id", None)
    g.pop("user", None)


def end_session() -> None:
    session.clear()


def login_required(view):
    """Pages: send visitors who are not signed in to the sign-in page, then back here."""

    @wraps(view)
    async def wrapper(*args, **kwargs):
        if await current_user() is None:
            return redirect("/signin?" + urlencode({"next": request.full_path.rstrip("?")}))
        return await view(*args, **kwargs)

    return wrapper


def safe_next(target: str | None) -> str:
    """Only local paths: never send a freshly signed-in user to another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/make"
