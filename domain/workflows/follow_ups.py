"""Follow-ups on a finished image: reroll, vary, upscale, offered only where the station has the tool."""
from __future__ import annotations

from domain.errors import NotFound
from domain.jobs import Job
from domain.reply import ReplyTo
from domain.templates import Catalogue
from domain.workflows.make_image import MakeImage
from domain.workflows.media_processing import MediaProcessing

ACTIONS = ("reroll", "vary", "upscale")
_NEEDS_TOOL = {"vary": "img2img", "upscale": "upscale"}  # reroll repeats the job's own tool


class FollowUps:
    def __init__(self, catalogue: Catalogue, make_image: MakeImage, media: MediaProcessing):
        self.catalogue, self.make_image, self.media = catalogue, make_image, media

    def available(self, job: Job) -> tuple[str, ...]:
        if job.kind != "image":
            return ()
        return tuple(a for a in ACTIONS if _NEEDS_TOOL.get(a, job.tool) in self.catalogue)

    async def run(self, user_id: str, job_id: str, action: str, origin: ReplyTo) -> Job:
        """The follow-up `action` of the user's job; pressed twice while it runs, it makes one job."""
        if action == "reroll":
            return await self.make_image.reroll(user_id, job_id, origin)
        if action == "vary":
            return await self.media.vary(user_id, job_id, origin)
        if action == "upscale":
            return await self.media.upscale(user_id, job_id, origin)
        raise NotFound(f"A job has no '{action}'; use {', '.join(ACTIONS)}.")
