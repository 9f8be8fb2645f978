"""People by name: user ids become the display names pages show."""
from __future__ import annotations

from adapters.web.context import web


async def names(user_ids: set[str]) -> dict[str, str]:
    return await web().station.accounts.names(set(user_ids))
