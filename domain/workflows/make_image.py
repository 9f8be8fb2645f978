"""Make image: quote a template with the user's settings, charge exactly the quote, queue the job."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from domain.blobs import BlobArea, BlobKey
from domain.errors import DomainError, EngineRejected, InsufficientPoints, InvalidParameter, NotFound
from domain.jobs import Job, JobKind, JobState
from domain.reply import ReplyTo
from domain.templates import Catalogue, Template
from domain.workflows.accounts import owns_input
from domain.workflows.admission import Admission
from domain.workflows.points import Points
from domain.workflows.requests import offered_to_everyone, training_job_of
from domain.workflows.runner import JobRunner
from ports.blobs import BlobStore
from ports.clock import Clock, Ids
from ports.engine import EngineUnavailable, GraphProblem
from ports.media import MediaProcessor, MediaRejected
from ports.storage import Storage

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Quote:
    tool: str
    values: dict[str, Any]
    price: int
    balance: int

    @property
    def affordable(self) -> bool:
        return self.balance >= self.price


MAX_PRESSES = 1000  # jobs one button may start, one after another


def unrunnable_message(tool: str, problems: list[GraphProblem]) -> str:
    """Plain words for the user: the missing model files by name, otherwise that the tool cannot run now."""
    if all(p.model for p in problems):
        missing = ", ".join(f"the {p.model_kind} '{p.model}'" for p in problems)
        return f"This station's workers do not have {missing}. Nothing was charged."
    return f"/{tool} cannot run on this station's workers right now; the operator can see why. Nothing was charged."


def job_id_for(request_key: str) -> str:
    """The same request (a double click, a redelivered interaction) always names the same job."""
    return hashlib.sha256(request_key.encode()).hexdigest()[:32]


class MakeImage:
    def __init__(self, storage: Storage, blobs: BlobStore, media: MediaProcessor, catalogue: Catalogue,
                 points: Points, admission: Admission, runner: JobRunner, clock: Clock, ids: Ids):
        self.storage, self.blobs, self.media, self.catalogue, self.points = storage, blobs, media, catalogue, points
        self.admission, self.runner, self.clock, self.ids = admission, runner, clock, ids

    async def quote(self, user_id: str, tool: str, raw: dict[str, Any]) -> Quote:
        """Validated values (settings and defaults filled in, a seed chosen) and their price."""
        template = self.catalogue.get(tool)
        if template.spec.kind == "training":
            raise DomainError(f"/{tool} trains a model: build a dataset with /train first.")
        values = template.spec.validate(raw, await self.storage.settings.get(user_id))
        for spec in template.spec.params:
            if spec.type == "seed" and values.get(spec.name) is None:
                values[spec.name] = self.ids.seed()
        await self._check_references(user_id, template, values)
        await self._check_size(template, values)
        return Quote(tool=template.name, values=values, price=template.spec.price.quote(values),
                     balance=await self.points.balance(user_id))

    async def estimate(self, user_id: str, tool: str, raw: dict[str, Any]) -> Quote:
        """The price of a form as filled so far (with the user's settings and the defaults): the number a quote
        will give once the required values are in, since prices never depend on text or pictures."""
        template = self.catalogue.get(tool)
        values = template.spec.validate(raw, await self.storage.settings.get(user_id), partial=True)
        return Quote(tool=template.name, values=values, price=template.spec.price.quote(values),
                     balance=await self.points.balance(user_id))

    async def submit(self, user_id: str, tool: str, raw: dict[str, Any], origin: ReplyTo,
                     request_key: str | None = None, parent_id: str | None = None, action: str | None = None) -> Job:
        """Store, charge, queue. A request key seen before returns that job and charges nothing."""
        quote = await self.quote(user_id, tool, raw)
        return await self.submit_quote(user_id, quote, origin, request_key, parent_id, action=action)

    async def submit_quote(self, user_id: str, quote: Quote, origin: ReplyTo, request_key: str | None = None,
                           parent_id: str | None = None, kind: JobKind = JobKind.IMAGE,
                           action: str | None = None, check_room: bool = True) -> Job:
        """Store, charge, queue at the quoted price; `check_room` False for the later jobs of one request (a
        dataset's captions), which the user's in-flight limit counts as one."""
        template = self.catalogue.get(quote.tool)
        job_id = job_id_for(request_key) if request_key else self.ids.new_id()
        existing = await self.storage.jobs.get(job_id)
        if existing is not None and (existing.state is not JobState.REQUESTED or self.admission.underway(existing)):
            return existing  # a double click, or a retry of a request that went through (or is going through)
        balance = await self.points.balance(user_id)
        if balance < quote.price:
            raise InsufficientPoints(balance=balance, price=quote.price)
        if check_room:
            await self.admission.check_room(user_id)
        if self.runner.config.refuse_without_worker and not self.runner.healthy_engines():
            raise DomainError(f"No worker can run /{template.name} right now. Nothing was charged; "
                              "try again in a few minutes.")
        await self._check_engine(template, quote.values)
        now = self.clock.now()
        job = Job(id=job_id, user_id=user_id, tool=template.name, kind=kind, params=quote.values,
                  price=quote.price, state=JobState.REQUESTED, created_at=now, updated_at=now,
                  origin=origin, parent_id=parent_id, action=action, output=template.spec.output)
        admitted = await self.admission.admit(job)  # with its charge, or not at all
        if admitted is None:
            return await self.own_job(user_id, job_id)  # the same request, stored a moment ago
        return await self.runner.enqueue(admitted)

    async def _check_references(self, user_id: str, template: Template, values: dict[str, Any]) -> None:
        for spec in template.spec.params:
            value = values.get(spec.name)
            if not value:
                continue
            if spec.type == "image" and not await self._owns_image(user_id, value):
                raise InvalidParameter(spec.name, "needs an image you sent or made; attach or reply to one.")
            if spec.type == "lora":
                values[spec.name] = await self._lora_file(user_id, spec.name, value)

    async def _check_size(self, template: Template, values: dict[str, Any]) -> None:
        """Input pictures and the picture to be made stay within the template's pixel limit."""
        limits, input_size = template.limits, None
        for spec in template.spec.params:
            if spec.type == "image" and values.get(spec.name):
                try:
                    info = self.media.inspect(await self.blobs.get(values[spec.name]))
                except MediaRejected as error:
                    raise InvalidParameter(spec.name, str(error)) from None
                limits.check_input(template.name, spec.name, info.width, info.height)
                input_size = input_size or (info.width, info.height)
        limits.check_output(template.name, values, input_size)

    async def _owns_image(self, user_id: str, key: str) -> bool:
        """An image the user sent (an input of theirs) or made (one of their results)."""
        try:
            blob = BlobKey.parse(key)
        except NotFound:
            return False
        if blob.area is BlobArea.INPUTS:
            return await owns_input(self.storage, blob, user_id) and await self.blobs.exists(key)
        if blob.area is BlobArea.RESULTS:
            job = await self.storage.jobs.get(blob.owner)
            return job is not None and job.user_id == user_id and key in job.outputs
        dataset = await self.storage.datasets.get(blob.owner)  # a picture of the user's dataset (captioning)
        return dataset is not None and dataset.owner == user_id and any(i.blob == key for i in dataset.images)

    async def _lora_file(self, user_id: str, param: str, name: str) -> str:
        """A model the user may use (own, shared, public) becomes its file name; an operator's LoRA file on the
        workers stays as is. A station-trained file is never taken by its file name alone."""
        visible = [m for m in await self.storage.models.visible_to(user_id) if name in (m.name, m.filename)]
        if visible:
            own = [m for m in visible if m.owner == user_id]
            return (own or visible)[0].filename
        for engine in self.runner.healthy_engines()[:1] if offered_to_everyone([name]) else ():
            try:
                if name in await engine.choices("loras"):
                    return name
            except EngineUnavailable:
                return name  # cannot ask now; the worker itself will refuse an unknown file, with a refund
        raise InvalidParameter(param, f"there is no model named '{name}' that you can use. See /models.")

    async def _check_engine(self, template: Template, values: dict[str, Any]) -> None:
        """Ask the workers whether one would take the graph, so a doomed job costs nothing."""
        problems: list[GraphProblem] = []
        for engine in self.runner.healthy_engines():
            try:
                found = [p for p in await engine.check(template.render(values))
                         if not training_job_of(p.model)]  # trained LoRAs are delivered before the job runs
            except EngineUnavailable:
                return  # cannot check now; the runner handles a worker that is down
            if not found:
                return
            problems = problems or found
        if problems:
            log.warning("/%s cannot run on any worker: %s", template.name, "; ".join(p.detail for p in problems))
            raise EngineRejected(unrunnable_message(template.name, problems))

    async def fresh_key(self, base: str) -> str:
        """The request key for a button press keyed `base` (its message and button): presses while the last
        one's job is unfinished share a key, so a double click makes one job; once it has ended, the next press
        makes a new one. Found by the jobs' own ids, however old the message."""
        for generation in range(MAX_PRESSES):
            key = f"{base}:{generation}"
            earlier = await self.storage.jobs.get(job_id_for(key))
            if earlier is None or not earlier.terminal:
                return key
        raise DomainError("This button has been used too often; send the command again instead.")

    async def own_job(self, user_id: str, job_id: str) -> Job:
        job = await self.storage.jobs.get(job_id)
        if job is None or job.user_id != user_id:
            raise NotFound("That job does not exist or is not yours.")
        return job
