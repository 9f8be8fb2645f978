"""Collections: gather images and models, and share them with users, by link, or with everyone."""
from __future__ import annotations

from domain.blobs import BlobArea, BlobKey
from domain.collections import Collection, CollectionItem, check_collection_name
from domain.errors import Conflict, DomainError, Forbidden, NotFound, named
from domain.numbers import number, whole_number
from domain.training import Model
from domain.visibility import Visibility
from domain.workflows.sharing import Sharing
from ports.clock import Clock, Ids
from ports.storage import Storage

DEFAULT_NAMES = {"image": "Saved", "model": "My models"}  # where Save puts a result, and training its model
MAX_LINK_DAYS = 90
LINK_DAYS = 7


class Collections:
    def __init__(self, storage: Storage, sharing: Sharing, clock: Clock, ids: Ids):
        self.storage, self.sharing, self.clock, self.ids = storage, sharing, clock, ids

    async def create(self, owner: str, name: str) -> Collection:
        name = check_collection_name(name)
        if any(c.name == name and c.owner == owner for c in await self.storage.collections.visible_to(owner)):
            raise Conflict(f"You already have a collection named '{name}'.")
        collection = Collection(id=self.ids.new_id(), owner=owner, name=name, created_at=self.clock.now())
        await self.storage.collections.add(collection)
        return collection

    async def list(self, user_id: str) -> list[Collection]:
        now = self.clock.now()
        return [c for c in await self.storage.collections.visible_to(user_id) if c.can_view(user_id, now)]

    async def find(self, user_id: str, name_or_id: str) -> Collection:
        """A collection the user may see, by id or by one of their names; NotFound otherwise."""
        found = await self.storage.collections.get(name_or_id)
        if found is None:
            alike = [c for c in await self.list(user_id) if c.name == name_or_id]
            found = next((c for c in alike if c.owner == user_id), alike[0] if alike else None)
        if found is None or not found.can_view(user_id, self.clock.now()):
            raise NotFound(f"No collection {named(name_or_id)} that you can see. Your collections: "
                           "/collections list")
        return found

    async def by_link(self, token: str) -> Collection:
        found = await self.storage.collections.by_link(token)
        if found is None or not found.can_view(None, self.clock.now(), token):
            raise NotFound("That link is unknown or has expired.")
        return found

    async def item_file(self, collection: Collection, item_number: object) -> str:
        """The blob key of picture N of a collection the asker may see (checked by `find` or `by_link`)."""
        index = whole_number(item_number, "number")
        if not 1 <= index <= len(collection.items) or collection.items[index - 1].kind != "image":
            raise NotFound("There is no picture with that number in this collection.")
        return collection.items[index - 1].ref

    async def models_in(self, collection: Collection, viewer: str | None) -> dict[str, Model | None]:
        """The models a collection holds, by id: None for one deleted since or that `viewer` may not see."""
        now, found = self.clock.now(), {}
        for item in collection.items:
            if item.kind == "model":
                model = await self.storage.models.get(item.ref)
                found[item.ref] = model if model is not None and model.can_view(viewer, now) else None
        return found

    async def add(self, user_id: str, name: str, kind: str, *refs: str) -> Collection:
        """One or more items (a batch's pictures, say), all checked before any is added, saved once."""
        if not refs:
            raise DomainError("Nothing was picked: tick at least one picture to add.")
        collection = await self._editable(user_id, name)
        for ref in refs:
            await self._check_item(user_id, kind, ref)
        for ref in refs:
            collection = collection.add(CollectionItem(kind, ref, self.clock.now()))
        return await self._save(collection)

    async def add_to_default(self, owner: str, kind: str, ref: str) -> Collection:
        """Into the owner's own collection for that kind ("Saved" for pictures, "My models" for models)."""
        name = DEFAULT_NAMES[kind]
        mine = [c for c in await self.list(owner) if c.owner == owner and c.name == name]
        collection = mine[0] if mine else await self.create(owner, name)
        return await self._save(collection.add(CollectionItem(kind, ref, self.clock.now())))

    async def remove(self, user_id: str, name: str, item_number: object) -> Collection:
        index = whole_number(item_number, "number")
        return await self._save((await self._editable(user_id, name)).remove(index))

    async def share(self, user_id: str, name: str, who: str, access: str = "view") -> Collection:
        """Share with `who`, an identity (telegram:12345) or a user id; see Sharing for who qualifies."""
        collection = await self._owned(user_id, name)
        return await self._save(collection.share(await self.sharing.recipient(user_id, who), access or "view"))

    async def unshare(self, user_id: str, name: str, who: str) -> Collection:
        collection = await self._owned(user_id, name)
        return await self._save(collection.unshare(await self.sharing.recipient(user_id, who)))

    async def link(self, user_id: str, name: str, days: object = LINK_DAYS) -> Collection:
        lasting = number(LINK_DAYS if days in (None, "") else days, "days")
        if not 0 < lasting <= MAX_LINK_DAYS:
            raise DomainError(f"A link lasts from a moment to {MAX_LINK_DAYS} days; {lasting:g} is not allowed.")
        collection = await self._owned(user_id, name)
        return await self._save(collection.with_link(self.ids.token(16), self.clock.now() + lasting * 86400))

    async def set_visibility(self, user_id: str, name: str, visibility: str) -> Collection:
        """Private drops shares and links at once; choosing 'link' again makes a new link."""
        collection = (await self._owned(user_id, name)).with_visibility(visibility)
        now = self.clock.now()
        if collection.visibility == Visibility.LINK and not collection.link_open(collection.link_token, now):
            collection = collection.with_link(self.ids.token(16), now + LINK_DAYS * 86400)
        return await self._save(collection)

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
            try:
                key = BlobKey.parse(ref)
            except NotFound:
                key = None
            job = await self.storage.jobs.get(key.owner) if key and key.area is BlobArea.RESULTS else None
            if job is None or job.user_id != user_id or ref not in job.outputs:
                raise NotFound("That image is not one of your results.")
        elif kind == "model":
            model = await self.storage.models.get(ref)
            if model is None or not model.can_view(user_id, self.clock.now()):
                raise NotFound("That model does not exist or is not visible to you.")
        else:
            raise DomainError(f"A collection holds images and models, not '{kind}'.")

    async def _save(self, collection: Collection) -> Collection:
        await self.storage.collections.save(collection)
        return collection
