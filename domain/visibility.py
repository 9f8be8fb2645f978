"""Who may see a collection, a model or a dataset: one rule, whatever face asks."""
from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Any, Self

from domain.errors import DomainError


class Visibility(StrEnum):
    PRIVATE = "private"  # the owner only: shares and links are dropped at once
    SHARED = "shared"  # the owner and the people it is shared with
    LINK = "link"  # ...and anyone holding its unexpired link
    PUBLIC = "public"  # everyone


class ShareAccess(StrEnum):
    VIEW = "view"
    EDIT = "edit"


class Shareable:
    """Mixin for frozen dataclasses with `owner`, `visibility` and `shared_with` (and maybe link fields)."""

    owner: str
    visibility: Visibility
    shared_with: dict[str, str]
    VISIBILITIES: tuple[Visibility, ...] = tuple(Visibility)

    def can_view(self, viewer: str | None, now: float, token: str | None = None) -> bool:
        if viewer is not None and viewer == self.owner:
            return True
        if self.visibility == Visibility.PRIVATE:
            return False
        if self.visibility == Visibility.PUBLIC or (viewer is not None and viewer in self.shared_with):
            return True
        return self.visibility == Visibility.LINK and self.link_open(token, now)

    def link_open(self, token: str | None, now: float) -> bool:
        """Whether `token` is this thing's link and the link has not expired."""
        link, expires = getattr(self, "link_token", None), getattr(self, "link_expires_at", None)
        return token is not None and token == link and now < (expires or 0)

    def share(self, user_id: str, access: str = ShareAccess.VIEW) -> Self:
        if access not in ShareAccess.__members__.values():
            raise DomainError(f"Access '{access}' is not allowed; use view or edit.")
        if user_id == self.owner:
            raise DomainError("You already own this.")
        visibility = Visibility.SHARED if self.visibility == Visibility.PRIVATE else self.visibility
        return self._with(shared_with={**self.shared_with, user_id: ShareAccess(access).value}, visibility=visibility)

    def unshare(self, user_id: str) -> Self:
        rest = {u: a for u, a in self.shared_with.items() if u != user_id}
        alone = self.visibility == Visibility.SHARED and not rest
        return self._with(shared_with=rest, visibility=Visibility.PRIVATE if alone else self.visibility)

    def with_visibility(self, visibility: str) -> Self:
        """Private drops every share and link at once, shared drops the link; a link made later is a new one."""
        if visibility not in [v.value for v in self.VISIBILITIES]:
            raise DomainError(f"Visibility '{visibility}' is not allowed; use "
                              f"{', '.join(v.value for v in self.VISIBILITIES)}.")
        chosen = Visibility(visibility)
        dropped: dict[str, Any] = {"shared_with": {}} if chosen == Visibility.PRIVATE else {}
        if hasattr(self, "link_token") and chosen in (Visibility.PRIVATE, Visibility.SHARED):
            dropped.update(link_token=None, link_expires_at=None)
        return self._with(visibility=chosen, **dropped)

    def _with(self, **changes: Any) -> Self:
        return replace(self, **changes)  # type: ignore[type-var]
