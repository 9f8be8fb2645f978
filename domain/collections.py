"""Collections of images and models, and who may see or change them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from domain.errors import DomainError

VISIBILITIES = ("private", "shared", "link", "public")
ACCESS = ("view", "edit")
_NAME = re.compile(r"^[\w\- ]{1,60}$")


@dataclass(frozen=True)
class CollectionItem:
    kind: str  # "image" (a job output blob) or "model" (a model id)
    ref: str
    added_at: float


@dataclass(frozen=True)
class Collection:
    id: str
    owner: str
    name: str
    created_at: float
    items: tuple[CollectionItem, ...] = ()
    visibility: str = "private"
    shared_with: dict = field(default_factory=dict)  # user id -> "view" | "edit"
    link_token: str | None = None
    link_expires_at: float | None = None

    def can_view(self, user_id: str | None, now: float, token: str | None = None) -> bool:
        return (
            user_id == self.owner
            or self.visibility == "public"
            or (user_id is not None and user_id in self.shared_with)
            or (token is not None and token == self.link_token and now < (self.link_expires_at or 0))
        )

    def can_edit(self, user_id: str) -> bool:
        return user_id == self.owner or self.shared_with.get(user_id) == "edit"

    def add(self, item: CollectionItem) -> "Collection":
        if any(i.kind == item.kind and i.ref == item.ref for i in self.items):
            return self
        return replace(self, items=self.items + (item,))

    def remove(self, number: int) -> "Collection":
        if not 1 <= number <= len(self.items):
            raise DomainError(f"There is no item {number}: '{self.name}' has items 1 to {len(self.items)}.")
        return replace(self, items=self.items[: number - 1] + self.items[number:])

    def share(self, user_id: str, access: str) -> "Collection":
        if access not in ACCESS:
            raise DomainError(f"Access '{access}' is not allowed; use view or edit.")
        if user_id == self.owner:
            raise DomainError("You already own this collection.")
        return replace(self, shared_with={**self.shared_with, user_id: access},
                       visibility="shared" if self.visibility == "private" else self.visibility)

    def unshare(self, user_id: str) -> "Collection":
        rest = {u: a for u, a in self.shared_with.items() if u != user_id}
        visibility = "private" if self.visibility == "shared" and not rest else self.visibility
        return replace(self, shared_with=rest, visibility=visibility)

    def with_link(self, token: str, expires_at: float) -> "Collection":
        return replace(self, link_token=token, link_expires_at=expires_at,
                       visibility="link" if self.visibility in ("private", "shared") else self.visibility)

    def with_visibility(self, visibility: str) -> "Collection":
        if visibility not in VISIBILITIES:
            raise DomainError(f"Visibility '{visibility}' is not allowed; use {', '.join(VISIBILITIES)}.")
        return replace(self, visibility=visibility)


def check_collection_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise DomainError("A collection name is 1 to 60 letters, digits, spaces, _ or -.")
    return name
