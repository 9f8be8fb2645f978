"""Chat commands: one handler per built-in, one path for every template, one for button presses."""
from __future__ import annotations

import logging

from domain.catalogue import parse_arguments
from domain.errors import DomainError
from domain.workflows.station import Station
from ports.blobs import BlobStore
from ports.media import MediaRejected

from adapters.chat import builtins, training
from adapters.chat.grammar import parse_builtin
from adapters.chat.messages import ChatRequest, Reply

log = logging.getLogger(__name__)


class ChatCommands:
    def __init__(self, station: Station, blobs: BlobStore, web_url: str | None = None):
        self.station, self.blobs, self.web_url = station, blobs, web_url
        self._builtins = {
            "start": builtins.start, "help": builtins.help_, "balance": builtins.balance,
            "history": builtins.history, "settings": builtins.settings, "models": builtins.models,
            "collections": builtins.collections, "link": builtins.link, "cancel": builtins.cancel,
            "train": training.train, "photo": training.photo,
        }

    async def handle(self, request: ChatRequest) -> list[Reply]:
        """Run one command; every mistake becomes a reply that says what is allowed, and costs nothing."""
        try:
            user = await self.station.accounts.user_for(request.identity, request.display_name)
            command = request.command.lower()
            if command in self._builtins:
                if request.subcommand is None and request.text is not None:
                    request.subcommand, parsed = parse_builtin(command, request.text)
                    request.options = {**parsed, **request.options}
                return await self._builtins[command](self, user, request)
            return await self._tool(user, request)
        except (DomainError, MediaRejected) as error:
            return [Reply(str(error), error=True)]

    async def press(self, request: ChatRequest) -> list[Reply]:
        """A button: `request.command` is its action, 'verb:argument'. Presses never run twice."""
        try:
            user = await self.station.accounts.user_for(request.identity, request.display_name)
            verb, _, argument = request.command.partition(":")
            handler = BUTTONS.get(verb)
            if handler is None or not argument:
                return [Reply("This button has expired.", error=True)]
            return await handler(self, user.id, argument, request.origin)
        except (DomainError, MediaRejected) as error:
            return [Reply(str(error), error=True)]

    async def _tool(self, user, request: ChatRequest) -> list[Reply]:
        template = self.station.catalogue.get(request.command)
        spec = template.spec
        raw = dict(request.options)
        if request.text is not None:
            free, pairs = parse_arguments(request.text)
            raw.update(pairs)
            if free and spec.prompt_param is not None:
                raw.setdefault(spec.prompt_param.name, free)
        if spec.image_param is not None:
            if not request.images and not raw.get(spec.image_param.name):
                raise DomainError(f"/{spec.name} needs an image: send it as a photo with /{spec.name} in the "
                                  "caption, or reply to a photo with the command.")
            if request.images:
                raw[spec.image_param.name] = await self.station.media.store_input(user.id, request.images[0])
        await self.station.make_image.submit(user.id, spec.name, raw, request.origin,
                                             request_key=request.request_key)
        return []

    async def result_image(self, job) -> bytes | None:
        images = [k for k in job.outputs if k.rsplit(".", 1)[-1] in ("png", "jpg", "jpeg", "webp")]
        return await self.blobs.get(images[0]) if images else None


async def _reroll(kit: ChatCommands, user_id: str, job_id: str, origin: dict) -> list[Reply]:
    await kit.station.make_image.reroll(user_id, job_id, origin)
    return []


async def _vary(kit: ChatCommands, user_id: str, job_id: str, origin: dict) -> list[Reply]:
    await kit.station.media.vary(user_id, job_id, origin)
    return []


async def _upscale(kit: ChatCommands, user_id: str, job_id: str, origin: dict) -> list[Reply]:
    await kit.station.media.upscale(user_id, job_id, origin)
    return []


async def _save(kit: ChatCommands, user_id: str, job_id: str, origin: dict) -> list[Reply]:
    job = await kit.station.make_image.own_job(user_id, job_id)
    for key in job.outputs:
        collection = await kit.station.collections.add_to_default(user_id, "image", key)
    return [Reply(f"💾 Saved to your collection '{collection.name}'.")]


async def _full_size(kit: ChatCommands, user_id: str, job_id: str, origin: dict) -> list[Reply]:
    job = await kit.station.make_image.own_job(user_id, job_id)
    data = await kit.result_image(job)
    if data is None:
        raise DomainError("That job has no image.")
    return [Reply("Full resolution", image=data, image_name=f"{job.tool}_{job.id[:8]}.png", as_document=True)]


BUTTONS = {"r": _reroll, "v": _vary, "u": _upscale, "s": _save, "f": _full_size,
           "tc": training.confirm_button, "tx": training.discard_button}
