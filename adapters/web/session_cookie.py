"""The session cookie, verified once: the same signed cookie opens again without checking its signature anew."""
from __future__ import annotations

import time
from collections import OrderedDict

from itsdangerous import BadSignature
from quart import Quart
from quart.sessions import SecureCookieSession, SecureCookieSessionInterface
from quart.wrappers import BaseRequestWebsocket

SCALARS = (str, int, float, bool, type(None))


class RememberingCookieSessions(SecureCookieSessionInterface):
    """Quart's signed-cookie sessions, keeping the `keep` latest cookies it verified with what they hold and when
    they were signed, so that a browser's next request skips the HMAC and decoding (a cookie past its lifetime is
    refused as before). Only sessions of plain values are kept: a kept one is copied, never shared."""

    def __init__(self, keep: int = 4096):
        self._opened: OrderedDict[str, tuple[dict, float]] = OrderedDict()
        self._keep = keep

    async def open_session(self, app: Quart, request: BaseRequestWebsocket) -> SecureCookieSession | None:
        if not app.secret_key:
            return None  # as Quart's own: no key, no sessions
        cookie = request.cookies.get(self.get_cookie_name(app))
        if cookie is None:
            return self.session_class()  # the API's and health checks' requests: nothing to verify
        max_age = app.permanent_session_lifetime.total_seconds()
        kept = self._opened.get(cookie)
        if kept is not None and time.time() - kept[1] <= max_age:
            return self.session_class(kept[0])
        serializer = self.get_signing_serializer(app)  # made anew each time: it costs more than a lookup
        if serializer is None:
            return None
        try:
            data, signed_at = serializer.loads(cookie, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(isinstance(value, SCALARS) for value in data.values()):
            self._opened[cookie] = (dict(data), signed_at.timestamp())
            if len(self._opened) > self._keep:
                self._opened.popitem(last=False)
        return self.session_class(data)
