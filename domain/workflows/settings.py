"""Settings: a user's own defaults for generation parameters, checked against every tool's bounds."""
from __future__ import annotations

from typing import Any

from domain.quotes import CONFIRM_ABOVE, DEFAULT_CONFIRM_ABOVE
from domain.settings import settable_params, validate_settings
from domain.templates import Catalogue
from ports.storage import Storage


class Settings:
    def __init__(self, storage: Storage, catalogue: Catalogue):
        self.storage, self.catalogue = storage, catalogue

    async def show(self, user_id: str) -> dict[str, tuple[object, bool]]:
        """Every setting with its effective value and whether the user chose it."""
        mine = await self.storage.settings.get(user_id)
        shown = {}
        for name, specs in sorted(settable_params(self.catalogue.tools()).items()):
            shown[name] = (mine[name], True) if name in mine else (specs[0].default, False)
        return shown

    async def change(self, user_id: str, raw: dict[str, Any]) -> dict[str, Any]:
        checked = validate_settings(raw, self.catalogue.tools())
        values = {**await self.storage.settings.get(user_id), **checked}
        await self.storage.settings.put(user_id, values)
        return values

    async def reset(self, user_id: str, names: list[str] | None = None) -> dict[str, Any]:
        values = {} if not names else {k: v for k, v in (await self.storage.settings.get(user_id)).items()
                                       if k not in names}
        await self.storage.settings.put(user_id, values)
        return values

    async def confirm_above(self, user_id: str) -> int:
        """Work costing more than this many points waits for the user's yes (0: all paid work does)."""
        return int((await self.storage.settings.get(user_id)).get(CONFIRM_ABOVE, DEFAULT_CONFIRM_ABOVE))
