"""Collections of images and models, and who may see or change them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from domain.errors import InvalidParameter, NotFound
from domain.text import refuse_control
from domain.visibility import Shareable, ShareAccess, Visibility

_NAME = re.compile(r"[\w\- ]{1,60}")


@dataclass(frozen=True)
class CollectionItem:
    kind: str  # "image" (a job output blob) or "model" (a model id)
    ref: str
    added_at: float


@dataclass(frozen=True)
class Collection(Shareable):
    id: str
    owner: str
    name: str
    created_at: float
    items: tuple[CollectionItem, ...] = ()
    visibility: Visibility = Visibility.PRIVATE
    shared_with: dict[str, str] = field(default_factory=dict)  # user id -> "view" | "edit"
    link_token: str | None = None
    link_expires_at: float | None = None

    def can_edit(self, user_id: str) -> bool:
        return user_id == self.owner or self.shared_with.get(user_id) == ShareAccess.EDIT

    def add(self, item: CollectionItem) -> "Collection":
        if any(i.kind == item.kind and i.ref == item.ref for i in self.items):
            return self
        return replace(self, items=self.items + (item,))

    def remove(self, number: int) -> "Collection":
        if not 1 <= number <= len(self.items):
            raise NotFound(f"There is no item {number}: '{self.name}' has items 1 to {len(self.items)}.")
        return replace(self, items=self.items[: number - 1] + self.items[number:])

    def with_link(self, token: str, expires_at: float) -> "Collection":
        visibility = Visibility.LINK if self.visibility in (Visibility.PRIVATE, Visibility.SHARED) else self.visibility
        return replace(self, link_token=token, link_expires_at=expires_at, visibility=visibility)


def check_collection_name(name: str) -> str:
    name = refuse_control(name or "", "name").strip()
    if not _NAME.fullmatch(name):
        raise InvalidParameter("name", "A collection name is 1 to 60 letters, digits, spaces, _ or -.")
    return name
