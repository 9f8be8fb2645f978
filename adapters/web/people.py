"""Name people for sharing: an identity someone types becomes a user id, user ids become names."""
from __future__ import annotations

from adapters.web.context import web
from domain.errors import InvalidParameter
from domain.identity import parse_identity


async def user_id_for(identity: str, field: str = "identity") -> str:
    """The user behind `identity` (e.g. telegram:12345 or web:alice); they must have used StationThis."""
    user = await web().storage.users.by_identity(parse_identity(identity or ""))
    if user is None:
        raise InvalidParameter(field, f"nobody with the identity '{identity.strip()}' has used StationThis yet.")
    return user.id


async def names(user_ids) -> dict[str, str]:
    storage = web().storage
    found = {}
    for user_id in user_ids:
        user = await storage.users.get(user_id)
        found[user_id] = user.display_name if user else user_id
    return found
