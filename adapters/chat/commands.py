"""Chat commands: the registry's built-ins, one path for every template, one for button presses."""
from __future__ import annotations

import logging
import secrets

from adapters.chat.builtin_commands import BUILTINS
from adapters.chat.buttons import BUTTONS
from adapters.chat.dialects import Dialect, dialect
from adapters.chat.grammar import parse_builtin
from adapters.chat.messages import ButtonAction, ChatRequest, Reply
from adapters.chat.render import final_reply, price_question
from adapters.chat.results import ChatResult, chat_result
from domain.catalogue import parse_arguments
from domain.errors import DomainError, InsufficientPoints
from domain.jobs import Job
from domain.quotes import PendingQuote
from domain.workflows.station import Station
from ports.media import MediaProcessor, MediaRejected
from ports.notifier import Notice, NoticeKind

log = logging.getLogger(__name__)
POINTS_HELP = "Ask this station's operator for points"


class ChatCommands:
    def __init__(self, station: Station, web_url: str | None = None, points_help: str | None = None):
        self.station, self.web_url, self.registry = station, (web_url or "").rstrip("/") or None, BUILTINS
        self.points_help = points_help or POINTS_HELP + (f", or see {self.web_url}/points." if self.web_url else ".")

    async def handle(self, request: ChatRequest) -> list[Reply]:
        """Run one command; every mistake becomes a reply that says what is allowed, and costs nothing."""
        try:
            user = await self.user(request)
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
                raise DomainError(f"Unknown /{builtin.name} subcommand. Use: {self.usage(request, builtin.name)}")
            return list(await sub.handler(self, user, request))
        except (DomainError, MediaRejected) as error:
            return [self.mistake(error)]

    async def press(self, request: ChatRequest) -> list[Reply]:
        """A button: `request.command` is its action, 'verb:argument'. Presses never run twice."""
        try:
            user = await self.user(request)
            verb, _, argument = request.command.partition(":")
            handler = BUTTONS.get(ButtonAction(verb)) if verb in ButtonAction.__members__.values() else None
            if handler is None or not argument:
                return [Reply("This button has expired.", error=True)]
            return await handler(self, user.id, argument, request)
        except (DomainError, MediaRejected) as error:
            return [self.mistake(error)]

    async def user(self, request: ChatRequest):
        return await self.station.accounts.user_for(request.identity, request.display_name, request.handle)

    def mistake(self, error: Exception) -> Reply:
        extra = f" {self.points_help}" if isinstance(error, InsufficientPoints) else ""
        return Reply(f"{error}{extra}", error=True)

    def dialect(self, request: ChatRequest) -> Dialect:
        return dialect(request.platform)

    def usage(self, request: ChatRequest, command: str) -> str:
        builtin = self.registry.get(command)
        return self.dialect(request).usage(builtin) if builtin else f"/{command}"

    def need(self, request: ChatRequest, name: str, command: str) -> str:
        """A required option's value, or a mistake that shows the command's usage."""
        value = request.options.get(name)
        if value in (None, ""):
            raise DomainError(f"Missing {name}. Usage: {self.usage(request, command)}")
        return str(value)

    def started(self, outcome: Job | PendingQuote) -> list[Reply]:
        """Nothing to say for a started job (its notices follow); a quote asks for the user's yes."""
        return [price_question(outcome)] if isinstance(outcome, PendingQuote) else []

    async def result_images(self, job: Job) -> list[bytes]:
        return await self.station.access.result_images(job)

    async def result(self, job: Job, media: MediaProcessor) -> ChatResult:
        """What a chat shows of a finished job: its files by kind and the words of a text result."""
        return await chat_result(self.station, media, job)

    def job_link(self, job: Job) -> str:
        """Where the web shows a job, for results a chat cannot carry ("" without a public web address)."""
        return f"{self.web_url}/jobs/{job.id}" if self.web_url else ""

    async def final_reply(self, notice: Notice) -> Reply:
        """The last word on a job, with its follow-ups priced for its owner now."""
        job = notice.job
        offers = await self.station.follow_ups.offers(job.user_id, job) \
            if job is not None and notice.kind is not NoticeKind.TEXT else []
        return final_reply(notice, offers)

    async def _tool(self, user, request: ChatRequest) -> list[Reply]:
        spec = self.station.catalogue.get(request.command).spec
        raw = dict(request.options)
        if request.text is not None:
            free, pairs = parse_arguments(request.text, spec.names())
            raw.update(pairs)
            prompt = spec.prompt_param
            if free and prompt is None:
                raise DomainError(f"/{spec.name} takes no text, only its settings: "
                                  f"{', '.join(spec.names())}. You wrote '{free[:80]}'.")
            if free and prompt is not None:
                raw.setdefault(prompt.name, free)
        if spec.image_param is not None:
            if not request.images and not raw.get(spec.image_param.name):
                raise DomainError(f"/{spec.name} needs an image: send it as a photo with /{spec.name} in the "
                                  "caption, or reply to it with the command.")
            if request.images:
                raw[spec.image_param.name] = await self.station.media.store_input(user.id, request.images[0])
        key = request.request_key or secrets.token_hex(16)
        return self.started(await self.station.checkout.start(user.id, spec.name, raw, request.origin, key))
