"""Sessions and API tokens: start, check, list and revoke them; each stored only as a keyed hash."""
from __future__ import annotations

from domain.credentials import (
    MAX_TOKEN_DAYS,
    SESSION_DAYS,
    Credential,
    CredentialKind,
    check_token_name,
    digest,
)
from domain.errors import InvalidParameter, NotFound
from domain.numbers import number
from domain.rate_limits import RateLimiter
from ports.clock import Clock, Ids
from ports.storage import Storage

SECRET_LENGTH = 40  # from a 32-letter alphabet: 200 bits
TOKEN_PREFIX = "st2_"
TOUCH_EVERY_S = 60.0  # last use is written at most once a minute per credential


class Credentials:
    def __init__(self, storage: Storage, clock: Clock, ids: Ids, limiter: RateLimiter, key: str, token_days: int):
        self.storage, self.clock, self.ids, self.limiter = storage, clock, ids, limiter
        self.key, self.token_days = key, token_days

    async def start_session(self, user_id: str, device: str) -> str:
        """A new browser session for the user: its secret goes into the signed cookie, only its hash is kept."""
        now = self.clock.now()
        await self.storage.credentials.delete_expired(now)
        secret = self.ids.token(SECRET_LENGTH)
        await self._add(user_id, CredentialKind.SESSION, device[:80] or "a browser", secret, now + SESSION_DAYS * 86400)
        return secret

    async def create_token(self, user_id: str, name: str, days: object = None,
                           client: str | None = None) -> tuple[Credential, str]:
        """A named API token lasting `days` (the station's default when not given); the secret is returned once."""
        self.limiter.hit(f"token:{user_id}", f"token-client:{client}" if client else None)
        name = check_token_name(name)
        lasting = number(self.token_days if days in (None, "") else days, "days", self.token_days)
        if not 0 < lasting <= MAX_TOKEN_DAYS:
            raise InvalidParameter("days", f"A token lasts from a moment to {MAX_TOKEN_DAYS} days; "
                                           f"{lasting:g} is not allowed.")
        secret = TOKEN_PREFIX + self.ids.token(SECRET_LENGTH)
        now = self.clock.now()
        return await self._add(user_id, CredentialKind.TOKEN, name, secret, now + lasting * 86400), secret

    async def check(self, secret: str | None, kind: CredentialKind) -> Credential | None:
        """The live credential of this kind behind `secret`, or None (unknown, revoked, expired or another key)."""
        if not secret or len(secret) > 200:
            return None
        found = await self.storage.credentials.by_digest(digest(secret, self.key))
        now = self.clock.now()
        if found is None or found.kind != kind or not found.live(now):
            return None
        if now - (found.last_used_at or found.created_at) >= TOUCH_EVERY_S:
            await self.storage.credentials.used(found.id, now)
        return found

    async def list(self, user_id: str) -> list[Credential]:
        """The user's live sessions and tokens, newest first."""
        now = self.clock.now()
        return [c for c in await self.storage.credentials.of_user(user_id) if c.live(now)]

    async def revoke(self, user_id: str, credential_id: str) -> Credential:
        """End one of the user's sessions or revoke one of their tokens, at once."""
        found = next((c for c in await self.list(user_id) if c.id == credential_id), None)
        if found is None:
            raise NotFound("You have no session or token like that.")
        await self.storage.credentials.delete(found.id)
        return found

    async def end(self, secret: str | None) -> None:
        """Sign out: the session behind `secret` stops working at once."""
        found = await self.check(secret, CredentialKind.SESSION)
        if found is not None:
            await self.storage.credentials.delete(found.id)

    async def revoke_all(self, user_id: str) -> int:
        """Sign out everywhere: every session and every API token of the user; how many there were."""
        return await self.storage.credentials.delete_of_user(user_id)

    async def _add(self, user_id: str, kind: CredentialKind, name: str, secret: str, expires_at: float) -> Credential:
        credential = Credential(id=self.ids.new_id(), user_id=user_id, kind=kind, name=name,
                                digest=digest(secret, self.key), created_at=self.clock.now(), expires_at=expires_at)
        await self.storage.credentials.add(credential)
        return credential
