"""Follow-ups on a job: what its template declares its results offer (or, failed, a retry), each with its price;
a text result's make a picture from its words (or from the prompt the user gave)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.blobs import Shown, first_image, shown_as
from domain.catalogue import FollowUp, ParamType
from domain.errors import Conflict, DomainError
from domain.jobs import Job, JobKind, JobState
from domain.reply import ReplyTo
from domain.templates import Catalogue
from domain.workflows.make_image import MakeImage
from ports.blobs import BlobStore

VARY_DENOISE = 0.55
TOOL_OF = {FollowUp.VARY: "img2img", FollowUp.UPSCALE: "upscale"}  # reroll and retry repeat the job's own tool


@dataclass(frozen=True)
class Offer:
    """A follow-up the user can start now, and what it costs with their current settings."""

    action: FollowUp
    price: int


@dataclass(frozen=True)
class Request:
    """The work a follow-up asks for: a tool and its raw values, made from `parent`."""

    tool: str
    raw: dict[str, Any]
    parent: Job
    action: FollowUp


class FollowUps:
    def __init__(self, catalogue: Catalogue, make_image: MakeImage, blobs: BlobStore):
        self.catalogue, self.make_image, self.blobs = catalogue, make_image, blobs

    def available(self, job: Job) -> tuple[FollowUp, ...]:
        """A result offers what its template declares (where the station has the tool); a failed or cancelled
        image job offers a retry. Every face shows these."""
        if job.kind != JobKind.IMAGE or job.tool not in self.catalogue:
            return ()
        if job.state in (JobState.FAILED, JobState.CANCELLED):
            return (FollowUp.RETRY,)
        if job.state is not JobState.SUCCEEDED or not job.outputs:
            return ()
        return tuple(a for a in self.catalogue.get(job.tool).spec.follow_ups if self._tool(job, a) in self.catalogue)

    async def offers(self, user_id: str, job: Job) -> list[Offer]:
        """The available follow-ups with their prices; one that could not be started now (a picture too large
        to upscale again, say) is left out."""
        found = []
        for action in self.available(job):
            try:
                request = await self._request(job, action)
                quote = await self.make_image.quote(user_id, request.tool, request.raw)
            except DomainError:
                continue
            found.append(Offer(action, quote.price))
        return found

    async def request(self, user_id: str, job_id: str, action: str) -> Request:
        """What pressing `action` on the user's job asks for; Conflict for one the job does not offer (now)."""
        job = await self.make_image.own_job(user_id, job_id)
        if action not in self.available(job):
            raise Conflict(f"That result does not offer '{action}'.")
        return await self._request(job, FollowUp(action))

    async def run(self, user_id: str, job_id: str, action: str, origin: ReplyTo, request_key: str | None = None
                  ) -> Job:
        """Start the follow-up and charge it at once; presses keyed alike while its job runs make one job."""
        request = await self.request(user_id, job_id, action)
        key = await self.make_image.fresh_key(request_key or f"{action}:{job_id}:{user_id}")
        return await self.make_image.submit(user_id, request.tool, request.raw, origin, request_key=key,
                                            parent_id=job_id, action=request.action.value)

    async def _request(self, job: Job, action: FollowUp) -> Request:
        spec = self.catalogue.get(self._tool(job, action)).spec
        if action in (FollowUp.MAKE, FollowUp.MINE):
            assert spec.prompt_param is not None  # makes_with only names tools with a prompt
            return Request(spec.name, {spec.prompt_param.name: await self._words(job, action)}, job, action)
        if action is FollowUp.RETRY:
            raw = dict(job.params)
        elif action is FollowUp.REROLL:
            raw = {k: v for k, v in job.params.items() if k in spec.names() and spec.param(k).type != ParamType.SEED}
        else:
            image = first_image(job.outputs)
            raw = {spec.image_param.name: image} if spec.image_param and image else {}
            if action is FollowUp.VARY:
                raw |= {k: v for k, v in job.params.items()
                        if k in spec.names() and spec.param(k).type == ParamType.TEXT}
                raw |= {"denoise": VARY_DENOISE} if "denoise" in spec.names() else {}
        return Request(spec.name, raw, job, action)

    def _tool(self, job: Job, action: FollowUp) -> str:
        """The tool a follow-up runs ("" when this station lacks it)."""
        if action in (FollowUp.MAKE, FollowUp.MINE):
            target = self.catalogue.makes_with(self.catalogue.get(job.tool).spec)
            return target.name if target else ""
        return TOOL_OF.get(action, job.tool)

    async def _words(self, job: Job, action: FollowUp) -> str:
        """A text result's words (MAKE), or the prompt its job was given (MINE)."""
        if action is FollowUp.MINE:
            prompt = self.catalogue.get(job.tool).spec.prompt_param
            return str(job.params.get(prompt.name) or "") if prompt else ""
        texts = [(await self.blobs.get(k)).decode("utf-8", "replace") for k in job.outputs if shown_as(k) is Shown.TEXT]
        return "\n".join(texts).strip()
