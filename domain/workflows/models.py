"""Models: the LoRAs a user trained or may use, and sharing them."""
from __future__ import annotations

from dataclasses import replace

from domain.errors import DomainError, Forbidden, NotFound
from domain.training import Model
from ports.storage import Storage

MODEL_VISIBILITIES = ("private", "shared", "public")


class Models:
    def __init__(self, storage: Storage):
        self.storage = storage

    async def visible(self, user_id: str) -> list[Model]:
        return await self.storage.models.visible_to(user_id)

    async def find(self, user_id: str, name_or_id: str) -> Model:
        visible = await self.visible(user_id)
        matches = [m for m in visible if name_or_id in (m.id, m.name)]
        if not matches:
            raise NotFound(f"No model '{name_or_id}' that you can use. See /models.")
        return next((m for m in matches if m.owner == user_id), matches[0])

    async def share(self, user_id: str, name: str, with_user: str) -> Model:
        model = await self._owned(user_id, name)
        return await self._save(replace(model, shared_with={**model.shared_with, with_user: "view"},
                                        visibility="shared" if model.visibility == "private" else model.visibility))

    async def unshare(self, user_id: str, name: str, with_user: str) -> Model:
        model = await self._owned(user_id, name)
        rest = {u: a for u, a in model.shared_with.items() if u != with_user}
        return await self._save(replace(model, shared_with=rest,
                                        visibility="private" if model.visibility == "shared" and not rest
                                        else model.visibility))

    async def set_visibility(self, user_id: str, name: str, visibility: str) -> Model:
        if visibility not in MODEL_VISIBILITIES:
            raise DomainError(f"Visibility '{visibility}' is not allowed; use {', '.join(MODEL_VISIBILITIES)}.")
        return await self._save(replace(await self._owned(user_id, name), visibility=visibility))

    async def _owned(self, user_id: str, name: str) -> Model:
        model = await self.find(user_id, name)
        if model.owner != user_id:
            raise Forbidden(f"Only the owner of '{model.name}' can do that.")
        return model

    async def _save(self, model: Model) -> Model:
        await self.storage.models.save(model)
        return model
