"""Users, their platform identities, and one-time link codes that join identities."""
from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import DomainError

PLATFORMS = ("telegram", "discord", "web")
_IDENTITY = re.compile(r"(telegram|discord|web):(@?[A-Za-z0-9_.\-]{1,64})")  # @name: a Telegram username
_HANDLE = re.compile(r"@?([A-Za-z0-9_]{3,32})")
LINK_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LINK_CODE_LENGTH = 8
LINK_CODE_TTL_S = 600


@dataclass(frozen=True)
class User:
    id: str
    display_name: str
    created_at: float


@dataclass(frozen=True)
class LinkCode:
    code: str
    user_id: str
    expires_at: float
    used: bool = False

    def usable(self, now: float) -> bool:
        return not self.used and now < self.expires_at


def parse_identity(text: str) -> str:
    """Return the identity in canonical form or explain the accepted shape."""
    identity = text.strip()
    if not _IDENTITY.fullmatch(identity):
        raise DomainError(
            f"'{text}' is not an identity. Use platform:id with platform one of "
            f"{', '.join(PLATFORMS)}, e.g. telegram:12345 or web:alice."
        )
    return identity.lower() if ":@" in identity else identity


def handle_identity(identity: str, handle: str) -> str | None:
    """How others name a person by their @name on the platform of `identity` (telegram:@kim); None if it is not
    a username."""
    match = _HANDLE.fullmatch(handle.strip())
    return f"{identity.split(':', 1)[0]}:@{match.group(1).lower()}" if match else None


def is_alias(identity: str) -> bool:
    """A name for someone (telegram:@kim, account:<id>), not an identity anyone signs in with."""
    return ":@" in identity or identity.split(":", 1)[0] not in PLATFORMS


def looks_like_identity(text: str) -> bool:
    """Whether `text` is written as platform:id (it may still be malformed; parse_identity says how)."""
    return text.split(":", 1)[0] in PLATFORMS and ":" in text


def normalise_link_code(text: str) -> str:
    return re.sub(r"[\s\-]", "", text).upper()
