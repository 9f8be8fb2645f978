"""Chat commands: the registry's built-ins, one path for every template, one for button presses."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from adapters.chat import training
from adapters.chat.builtin_commands import BUILTINS
from adapters.chat.grammar import parse_builtin
from adapters.chat.messages import ButtonAction, ChatRequest, Reply
from domain.catalogue import parse_arguments
from domain.errors import DomainError
from domain.jobs import Job
from domain.reply import ReplyTo
from domain.workflows.station import Station
from ports.media import MediaRejected

log = logging.getLogger(__name__)


class ChatCommands:
    def __init__(self, station: Station, web_url: str | None = None):
        self.station, self.web_url, self.registry = station, web_url, BUILTINS

    async def handle(self, request: ChatRequest) -> list[Reply]:
        """Run one command; every mistake becomes a reply that says what is allowed, and costs nothing."""
        try:
            user = await self.station.accounts.user_for(request.identity, request.display_name)
            builtin = self.registry.get(request.command.lower())
            if builtin is None:
                return await self._tool(user, request)
            if builtin.handler is not None:
                return list(await builtin.handler(self, user, request))
            if request.subcommand is None:
                sub, parsed = parse_builtin(builtin, request.text or "")
                request.options = {**parsed, **request.options}
            else:
                sub = builtin.sub(request.subcommand)
            if sub is None:
                raise DomainError(f"Unknown /{builtin.name} subcommand. Use: {builtin.usage()}")
            return list(await sub.handler(self, user, request))
        except (DomainError, MediaRejected) as error:
            return [Reply(str(error), error=True)]

    async def press(self, request: ChatRequest) -> list[Reply]:
        """A button: `request.command` is its action, 'verb:argument'. Presses never run twice."""
        try:
            user = await self.station.accounts.user_for(request.identity, request.display_name)
            verb, _, argument = request.command.partition(":")
            handler = BUTTONS.get(ButtonAction(verb)) if verb in ButtonAction.__members__.values() else None
            if handler is None or not argument:
                return [Reply("This button has expired.", error=True)]
            return await handler(self, user.id, argument, request.origin)
        except (DomainError, MediaRejected) as error:
            return [Reply(str(error), error=True)]

    def need(self, request: ChatRequest, name: str, command: str) -> str:
        """A required option's value, or a mistake that shows the command's usage."""
        value = request.options.get(name)
        if value in (None, ""):
            raise DomainError(f"Missing {name}. Usage: {self.registry.usage(command)}")
        return str(value)

    async def result_images(self, job: Job) -> list[bytes]:
        return await self.station.access.result_images(job)

    async def _tool(self, user, request: ChatRequest) -> list[Reply]:
        spec = self.station.catalogue.get(request.command).spec
        raw = dict(request.options)
        if request.text is not None:
            free, pairs = parse_arguments(request.text)
            raw.update(pairs)
            if free and spec.prompt_param is not None:
                raw.setdefault(spec.prompt_param.name, free)
        if spec.image_param is not None:
            if not request.images and not raw.get(spec.image_param.name):
                raise DomainError(f"/{spec.name} needs an image: send it as a photo with /{spec.name} in the "
                                  "caption, or reply to it with the command.")
            if request.images:
                raw[spec.image_param.name] = await self.station.media.store_input(user.id, request.images[0])
        await self.station.make_image.submit(user.id, spec.name, raw, request.origin,
                                             request_key=request.request_key)
        return []


def _follow_up(action: str) -> "ButtonHandler":
    async def run(kit: ChatCommands, user_id: str, job_id: str, origin: ReplyTo) -> list[Reply]:
        await kit.station.follow_ups.run(user_id, job_id, action, origin)
        return []
    return run


async def _save(kit: ChatCommands, user_id: str, job_id: str, origin: ReplyTo) -> list[Reply]:
    job = await kit.station.jobs.get(user_id, job_id)
    for key in job.outputs:
        collection = await kit.station.collections.add_to_default(user_id, "image", key)
    return [Reply(f"💾 Saved to your collection '{collection.name}'.")]


async def _full_size(kit: ChatCommands, user_id: str, argument: str, origin: ReplyTo) -> list[Reply]:
    """`job` or `job:n`: the n-th picture of a batch (the first by default) as a file."""
    job_id, _, number = argument.partition(":")
    job = await kit.station.jobs.get(user_id, job_id)
    images = await kit.result_images(job)
    index = int(number) - 1 if number.isdigit() else 0
    if not 0 <= index < len(images):
        raise DomainError("That job has no such image.")
    return [Reply("Full resolution", image=images[index], image_name=f"{job.tool}_{job.id[:8]}_{index + 1}.png",
                  as_document=True)]


ButtonHandler = Callable[[ChatCommands, str, str, ReplyTo], Awaitable[list[Reply]]]
BUTTONS: dict[ButtonAction, ButtonHandler] = {
    ButtonAction.REROLL: _follow_up("reroll"), ButtonAction.VARY: _follow_up("vary"),
    ButtonAction.UPSCALE: _follow_up("upscale"), ButtonAction.SAVE: _save, ButtonAction.FULL_SIZE: _full_size,
    ButtonAction.CONFIRM_TRAINING: training.confirm_button, ButtonAction.DISCARD_TRAINING: training.discard_button,
}
