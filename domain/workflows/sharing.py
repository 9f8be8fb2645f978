"""Who a thing can be shared with: one rule for collections and models, on every face."""
from __future__ import annotations

from domain.errors import DomainError
from domain.identity import looks_like_identity, parse_identity
from ports.storage import Storage


class CannotShare(DomainError):
    """Said alike for an unknown identity and for a known one that cannot be shared with (yourself)."""

    def __init__(self, who: str):
        super().__init__(f"You can't share with '{who.strip()[:80]}': name someone else who has used StationThis, "
                         "e.g. telegram:12345 or web:alice.")


class Sharing:
    def __init__(self, storage: Storage):
        self.storage = storage

    async def recipient(self, owner: str, who: str) -> str:
        """The user id of `who` (an identity such as telegram:12345, or a user id); never creates anyone."""
        who = (who or "").strip()
        if looks_like_identity(who):
            user = await self.storage.users.by_identity(parse_identity(who))
        else:
            user = await self.storage.users.get(who) if who else None
        if user is None or user.id == owner:
            raise CannotShare(who)
        return user.id
