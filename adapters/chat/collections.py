"""The /collections subcommands: create, add, list, view (the pictures, paged), share, unshare, link, remove, delete."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from adapters.chat.messages import Button, ButtonAction, ChatRequest, Reply
from domain.blobs import BlobKey, Shown, is_image, shown_as
from domain.collections import Collection
from domain.errors import DomainError, NotFound
from domain.outputs import OutputKind
from domain.workflows.sharing import CannotShare

COMMAND = "collections"
PAGE = 10  # pictures per page: an album (Telegram) or a message's attachments (Discord) holds ten
_DISCORD_MENTION = re.compile(r"^<@!?(\d+)>$")
_NOUNS = {Shown.IMAGE: "a picture", Shown.VIDEO: "a video", Shown.TEXT: "words"}


async def listing(kit, user, request: ChatRequest) -> list[Reply]:
    found = await kit.station.collections.list(user.id)
    lines = [f"{c.name} · {len(c.items)} items · {c.visibility}" + ("" if c.owner == user.id else " · shared with you")
             for c in found]
    if not lines:
        return [Reply(f"No collections yet: {kit.dialect(request).adding}, or /collections create NAME.")]
    return [Reply("📚 Your collections:\n" + "\n".join(lines))]


async def create(kit, user, request: ChatRequest) -> list[Reply]:
    made = await kit.station.collections.create(user.id, kit.need(request, "name", COMMAND))
    return [Reply(f"Created collection '{made.name}'. To fill it, {kit.dialect(request).adding}.")]


async def view(kit, user, request: ChatRequest) -> list[Reply]:
    collection = await kit.station.collections.find(user.id, kit.need(request, "collection", COMMAND))
    return await _page(kit, user.id, collection, 1)


async def page_button(kit, user_id: str, argument: str, request: ChatRequest) -> list[Reply]:
    """`collection id:page`, from the button under a page of /collections view."""
    collection_id, _, number = argument.partition(":")
    collection = await kit.station.collections.find(user_id, collection_id)
    return await _page(kit, user_id, collection, int(number) if number.isdigit() else 1)


async def add(kit, user, request: ChatRequest) -> list[Reply]:
    """The result this command replies to (every file of it: pictures, an animation, a video, words), or a model
    by name."""
    name = kit.need(request, "collection", COMMAND)
    model = request.options.get("item")
    if request.replied_job and not model:
        job = await kit.station.jobs.get(user.id, request.replied_job)
        results = () if job.long else job.outputs
        if not results:
            raise DomainError("That message has no result of yours to add.")
        for key in results:
            collection = await kit.station.collections.add(user.id, name, "image", key)
    elif model:
        found = await kit.station.models.find(user.id, str(model))
        collection = await kit.station.collections.add(user.id, name, "model", found.id)
    else:
        raise DomainError(f"Add what? To add a result, {kit.dialect(request).adding}; to add a model, name it.")
    return [Reply(f"Added to '{collection.name}' ({len(collection.items)} items).")]


async def remove(kit, user, request: ChatRequest) -> list[Reply]:
    c = await kit.station.collections.remove(user.id, kit.need(request, "collection", COMMAND),
                                             request.options.get("number"))
    return [Reply(f"Removed. '{c.name}' has {len(c.items)} items.")]


async def share(kit, user, request: ChatRequest) -> list[Reply]:
    name, access = kit.need(request, "collection", COMMAND), request.options.get("access")
    if request.replied_identity and request.options.get("user") in ("view", "edit") and not access:
        access = request.options.pop("user")  # '/collections share NAME edit' as a reply: the person is replied to
    who = _person(kit, request)
    try:
        c = await kit.station.collections.share(user.id, name, who, access or "view")
    except CannotShare as error:
        raise DomainError(f"{error} On {request.platform.title()}: {kit.dialect(request).people}.") from None
    return [Reply(f"'{c.name}' is now shared with {len(c.shared_with)} "
                  f"{'person' if len(c.shared_with) == 1 else 'people'}.")]


async def unshare(kit, user, request: ChatRequest) -> list[Reply]:
    c = await kit.station.collections.unshare(user.id, kit.need(request, "collection", COMMAND), _person(kit, request))
    return [Reply(f"'{c.name}' is now shared with {len(c.shared_with)} "
                  f"{'person' if len(c.shared_with) == 1 else 'people'}.")]


async def link(kit, user, request: ChatRequest) -> list[Reply]:
    c = await kit.station.collections.link(user.id, kit.need(request, "collection", COMMAND),
                                           request.options.get("days"))
    until = datetime.fromtimestamp(c.link_expires_at or 0, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if kit.web_url:
        return [Reply(f"Anyone with this link can view '{c.name}' until {until}: {kit.web_url}/shared/{c.link_token}")]
    return [Reply(f"Anyone with the link can view '{c.name}' until {until}. This station has no public web address "
                  f"set, so I can only give its path: /shared/{c.link_token} on the station's web page (ask its "
                  "operator for the address).")]


async def delete(kit, user, request: ChatRequest) -> list[Reply]:
    await kit.station.collections.delete(user.id, kit.need(request, "collection", COMMAND))
    return [Reply("Collection deleted.")]


def _person(kit, request: ChatRequest) -> str:
    """Whom the user means, as the platform names them: an @username or mention, or the author of the message
    the command replies to."""
    who = str(request.options.get("user") or request.replied_identity or "").strip()
    if not who:
        raise DomainError(f"Share with whom? Name them: {kit.dialect(request).people}.")
    mention = _DISCORD_MENTION.match(who)
    if mention:
        return f"discord:{mention.group(1)}"
    return f"{request.platform}:{who.lower()}" if who.startswith("@") else who


async def _page(kit, user_id: str, collection: Collection, number: int) -> list[Reply]:
    """One page of a collection: its pictures together, the list of what the page holds, and a button for more."""
    pages = max(1, -(-len(collection.items) // PAGE))
    number = min(max(1, number), pages)
    first = (number - 1) * PAGE
    items = collection.items[first:first + PAGE]
    lines, album = [], []
    for n, item in enumerate(items, start=first + 1):
        if item.kind == "image":
            lines.append(f"{n}. {await _describe_result(kit, user_id, item.ref)}")
            if not is_image(item.ref):  # an animation, a video or words: listed here, shown on the web
                continue
            try:
                download = await kit.station.access.collection_picture(user_id, collection.id, n)
            except NotFound:
                continue
            album.append((f"{collection.name}_{n}.{download.key.extension}",
                          b"".join([chunk async for chunk in download.chunks])))
        else:
            models = await kit.station.collections.models_in(collection)
            model = models.get(item.ref)
            lines.append(f"{n}. model '{model.name}'" if model else f"{n}. a model that was deleted")
    head = f"📚 '{collection.name}' ({collection.visibility}), page {number} of {pages}:" if pages > 1 else \
        f"📚 '{collection.name}' ({collection.visibility}):"
    more = (Button.of(f"Page {number + 1} ▶", ButtonAction.COLLECTION_PAGE, f"{collection.id}:{number + 1}"),) \
        if number < pages else ()
    return [Reply(head + "\n" + ("\n".join(lines) or "empty"), album=tuple(album), buttons=more)]


async def _describe_result(kit, user_id: str, key: str) -> str:
    """'a picture from /txt2img “a red fox”', 'a video from /clip' (never the stored file's name)."""
    try:
        job = await kit.station.jobs.get(user_id, BlobKey.parse(key).owner)
    except NotFound:
        return _NOUNS.get(shown_as(key), "a file")
    noun = "an animation" if job.output is OutputKind.ANIMATION else _NOUNS.get(shown_as(key), "a file")
    prompt = str(job.params.get("prompt") or "")
    return f"{noun} from /{job.tool}" + (f" “{prompt[:80]}”" if prompt else "")
