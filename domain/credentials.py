"""Sessions and API tokens: what proves who is asking, kept only as a keyed hash of its secret."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from domain.errors import InvalidParameter
from domain.text import one_line

SESSION_DAYS = 30
TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650
NAME_MAX = 60


class CredentialKind(StrEnum):
    SESSION = "session"  # a signed-in browser
    TOKEN = "token"  # a named API token for scripts


@dataclass(frozen=True)
class Credential:
    id: str
    user_id: str
    kind: CredentialKind
    name: str
    digest: str  # keyed hash of the secret; the secret itself is shown once and never stored
    created_at: float
    expires_at: float
    last_used_at: float | None = None

    def live(self, now: float) -> bool:
        return now < self.expires_at


@lru_cache(maxsize=4096)  # every request with a session or token asks again for the same few
def digest(secret: str, key: str) -> str:
    """The stored form of a secret, keyed with the web secret: a new key makes every stored digest useless."""
    return hmac.new(key.encode(), secret.encode(), hashlib.sha256).hexdigest()


def check_token_name(name: str) -> str:
    name = one_line(name or "", "name")
    if not 1 <= len(name) <= NAME_MAX:
        raise InvalidParameter("name", f"A token's name is 1 to {NAME_MAX} characters, e.g. 'backup script'.")
    return name
