"""Collections: gather images and models, and share them with users, by link, or with everyone."""
from __future__ import annotations

from domain.collections import Collection, CollectionItem, check_collection_name
from domain.errors import DomainError, Forbidden, NotFound
from ports.clock import Clock, Ids
from ports.storage import Storage

DEFAULT_NAME = "My models"
MAX_LINK_DAYS = 90


class Collections:
    def __init__(self, storage: Storage, clock: Clock, ids: Ids):
        self.storage, self.clock, self.ids = storage, clock, ids

    async def create(self, owner: str, name: str) -> Collection:
        name = check_collection_name(name)
        if any(c.name == name and c.owner == owner for c in await self.storage.collections.visible_to(owner)):
            raise DomainError(f"You already have a collection named '{name}'.")
        collection = Collection(id=self.ids.new_id(), owner=owner, name=name, created_at=self.clock.now())
        await self.storage.collections.add(collection)
        return collection

    async def list(self, user_id: str) -> list[Collection]:
        return await self.storage.collections.visible_to(user_id)

    async def find(self, user_id: str, name_or_id: str, token: str | None = None) -> Collection:
        """A collection the user may see, by id or by one of their names; NotFound otherwise."""
        found = await self.storage.collections.get(name_or_id)
        if found is None:
            named = [c for c in await self.list(user_id) if c.name == name_or_id]
            found = next((c for c in named if c.owner == user_id), named[0] if named else None)
        if found is None or not found.can_view(user_id, self.clock.now(), token):
            raise NotFound(f"No collection '{name_or_id}' that you can see. Your collections: /collections list")
        return found

    async def by_link(self, token: str) -> Collection:
        found = await self.storage.collections.by_link(token)
        if found is None or not found.can_view(None, self.clock.now(), token):
            raise NotFound("That link is unknown or has expired.")
        return found

    async def add(self, user_id: str, name: str, kind: str, ref: str) -> Collection:
        collection = await self._editable(user_id, name)
        await self._check_item(user_id, kind, ref)
        return await self._save(collection.add(CollectionItem(kind, ref, self.clock.now())))

    async def add_to_default(self, owner: str, kind: str, ref: str) -> Collection:
        mine = [c for c in await self.list(owner) if c.owner == owner and c.name == DEFAULT_NAME]
        collection = mine[0] if mine else await self.create(owner, DEFAULT_NAME)
        return await self._save(collection.add(CollectionItem(kind, ref, self.clock.now())))

    async def remove(self, user_id: str, name: str, number: int) -> Collection:
        return await self._save((await self._editable(user_id, name)).remove(number))

    async def share(self, user_id: str, name: str, with_user: str, access: str = "view") -> Collection:
        return await self._save((await self._owned(user_id, name)).share(with_user, access))

    async def unshare(self, user_id: str, name: str, with_user: str) -> Collection:
        return await self._save((await self._owned(user_id, name)).unshare(with_user))

    async def link(self, user_id: str, name: str, days: float = 7) -> Collection:
        if not 0 < days <= MAX_LINK_DAYS:
            raise DomainError(f"A link lasts from a moment to {MAX_LINK_DAYS} days; {days:g} is not allowed.")
        collection = await self._owned(user_id, name)
        return await self._save(collection.with_link(self.ids.token(16), self.clock.now() + days * 86400))

    async def set_visibility(self, user_id: str, name: str, visibility: str) -> Collection:
        return await self._save((await self._owned(user_id, name)).with_visibility(visibility))

    async def delete(self, user_id: str, name: str) -> None:
        await self.storage.collections.delete((await self._owned(user_id, name)).id)

    async def _editable(self, user_id: str, name: str) -> Collection:
        collection = await self.find(user_id, name)
        if not collection.can_edit(user_id):
            raise Forbidden(f"You may look at '{collection.name}' but not change it.")
        return collection

    async def _owned(self, user_id: str, name: str) -> Collection:
        collection = await self.find(user_id, name)
        if collection.owner != user_id:
            raise Forbidden(f"Only the owner of '{collection.name}' can do that.")
        return collection

    async def _check_item(self, user_id: str, kind: str, ref: str) -> None:
        if kind == "image":
            job = await self.storage.jobs.get(ref.split("/")[1]) if ref.startswith("results/") else None
            if job is None or job.user_id != user_id or ref not in job.outputs:
                raise NotFound("That image is not one of your results.")
        elif kind == "model":
            model = await self.storage.models.get(ref)
            if model is None or model not in await self.storage.models.visible_to(user_id):
                raise NotFound("That model does not exist or is not visible to you.")
        else:
            raise DomainError(f"A collection holds images and models, not '{kind}'.")

    async def _save(self, collection: Collection) -> Collection:
        await self.storage.collections.save(collection)
        return collection
