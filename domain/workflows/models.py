"""Models: the LoRAs a user trained or may use, and sharing them."""
from __future__ import annotations

from domain.errors import Forbidden, NotFound, named
from domain.training import Model
from domain.workflows.sharing import Sharing
from ports.clock import Clock
from ports.storage import Storage


class Models:
    def __init__(self, storage: Storage, sharing: Sharing, clock: Clock):
        self.storage, self.sharing, self.clock = storage, sharing, clock

    async def visible(self, user_id: str) -> list[Model]:
        now = self.clock.now()
        return [m for m in await self.storage.models.visible_to(user_id) if m.can_view(user_id, now)]

    async def find(self, user_id: str, name_or_id: str) -> Model:
        visible = await self.visible(user_id)
        matches = [m for m in visible if name_or_id in (m.id, m.name)]
        if not matches:
            raise NotFound(f"No model {named(name_or_id)} that you can use. See /models.")
        return next((m for m in matches if m.owner == user_id), matches[0])

    async def share(self, user_id: str, name: str, who: str) -> Model:
        """Share with `who`, an identity (telegram:12345) or a user id; see Sharing for who qualifies."""
        model = await self._owned(user_id, name)
        return await self._save(model.share(await self.sharing.recipient(user_id, who)))

    async def unshare(self, user_id: str, name: str, who: str) -> Model:
        model = await self._owned(user_id, name)
        return await self._save(model.unshare(await self.sharing.recipient(user_id, who)))

    async def set_visibility(self, user_id: str, name: str, visibility: str) -> Model:
        """Private drops every share at once."""
        return await self._save((await self._owned(user_id, name)).with_visibility(visibility))

    async def _owned(self, user_id: str, name: str) -> Model:
        model = await self.find(user_id, name)
        if model.owner != user_id:
            raise Forbidden(f"Only the owner of '{model.name}' can do that.")
        return model

    async def _save(self, model: Model) -> Model:
        await self.storage.models.save(model)
        return model
