"""The /collections subcommands: create, add, list, view, share, unshare, link, remove, delete."""
from __future__ import annotations

from datetime import datetime, timezone

from adapters.chat.messages import ChatRequest, Reply
from domain.errors import NotFound

COMMAND = "collections"


async def listing(kit, user, request: ChatRequest) -> list[Reply]:
    found = await kit.station.collections.list(user.id)
    lines = [f"{c.name} · {len(c.items)} items · {c.visibility}" + ("" if c.owner == user.id else " · shared with you")
             for c in found]
    if not lines:
        return [Reply("No collections yet. /collections create NAME")]
    return [Reply("📚 Your collections:\n" + "\n".join(lines))]


async def create(kit, user, request: ChatRequest) -> list[Reply]:
    made = await kit.station.collections.create(user.id, kit.need(request, "name", COMMAND))
    return [Reply(f"Created collection '{made.name}'.")]


async def view(kit, user, request: ChatRequest) -> list[Reply]:
    c = await kit.station.collections.find(user.id, kit.need(request, "collection", COMMAND))
    items = [f"{n}. {i.kind} {i.ref}" for n, i in enumerate(c.items, 1)]
    return [Reply(f"'{c.name}' ({c.visibility}):\n" + ("\n".join(items) or "empty"))]


async def add(kit, user, request: ChatRequest) -> list[Reply]:
    kind, ref = await _item(kit, user.id, kit.need(request, "item", COMMAND))
    c = await kit.station.collections.add(user.id, kit.need(request, "collection", COMMAND), kind, ref)
    return [Reply(f"Added to '{c.name}' ({len(c.items)} items).")]


async def remove(kit, user, request: ChatRequest) -> list[Reply]:
    c = await kit.station.collections.remove(user.id, kit.need(request, "collection", COMMAND),
                                             request.options.get("number"))
    return [Reply(f"Removed. '{c.name}' has {len(c.items)} items.")]


async def share(kit, user, request: ChatRequest) -> list[Reply]:
    c = await kit.station.collections.share(user.id, kit.need(request, "collection", COMMAND),
                                            kit.need(request, "user", COMMAND), request.options.get("access") or "view")
    return [Reply(f"'{c.name}' is now shared with {len(c.shared_with)} users.")]


async def unshare(kit, user, request: ChatRequest) -> list[Reply]:
    c = await kit.station.collections.unshare(user.id, kit.need(request, "collection", COMMAND),
                                              kit.need(request, "user", COMMAND))
    return [Reply(f"'{c.name}' is now shared with {len(c.shared_with)} users.")]


async def link(kit, user, request: ChatRequest) -> list[Reply]:
    c = await kit.station.collections.link(user.id, kit.need(request, "collection", COMMAND),
                                           request.options.get("days"))
    where = f"{kit.web_url.rstrip('/')}/shared/{c.link_token}" if kit.web_url else f"link code {c.link_token}"
    until = datetime.fromtimestamp(c.link_expires_at or 0, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [Reply(f"Anyone with this link can view '{c.name}' until {until}: {where}")]


async def delete(kit, user, request: ChatRequest) -> list[Reply]:
    await kit.station.collections.delete(user.id, kit.need(request, "collection", COMMAND))
    return [Reply("Collection deleted.")]


async def _item(kit, user_id: str, ref: str) -> tuple[str, str]:
    """A result (by its job id) or a model (by name or id) the user may put into a collection."""
    try:
        job = await kit.station.jobs.get(user_id, ref)
        if job.outputs:
            return "image", job.outputs[0]
    except NotFound:
        pass
    return "model", (await kit.station.models.find(user_id, ref)).id
