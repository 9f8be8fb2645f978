"""Media processing: take an image a user sent or made and run an image-taking template on it."""
from __future__ import annotations

from typing import Any

from domain.blobs import BlobKey, first_image
from domain.errors import Conflict, DomainError
from domain.jobs import Job
from domain.reply import ReplyTo
from domain.templates import Catalogue
from domain.workflows.make_image import MakeImage
from ports.blobs import BlobStore
from ports.clock import Ids
from ports.media import MediaProcessor

VARY_DENOISE = 0.55


class MediaProcessing:
    def __init__(self, blobs: BlobStore, media: MediaProcessor, catalogue: Catalogue, make_image: MakeImage, ids: Ids):
        self.blobs, self.media, self.catalogue, self.make_image, self.ids = blobs, media, catalogue, make_image, ids

    async def store_input(self, user_id: str, data: bytes) -> str:
        """Check and clean an incoming image (raises MediaRejected) and keep it for the user's jobs."""
        clean = self.media.clean(data)
        key = BlobKey.input(user_id, self.ids.new_id(), clean.extension)
        await self.blobs.put(str(key), clean.data, key.content_type)
        return str(key)

    async def run(self, user_id: str, tool: str, image_key: str, raw: dict[str, Any], origin: ReplyTo,
                  request_key: str | None = None, parent_id: str | None = None, action: str | None = None) -> Job:
        spec = self.catalogue.get(tool).spec.image_param
        if spec is None:
            raise DomainError(f"/{tool} does not take an image.")
        return await self.make_image.submit(user_id, tool, {**raw, spec.name: image_key}, origin,
                                            request_key=request_key, parent_id=parent_id, action=action)

    async def upscale(self, user_id: str, job_id: str, origin: ReplyTo) -> Job:
        parent = await self.make_image.own_job(user_id, job_id)
        key = await self.make_image.follow_up_key(user_id, "upscale", parent.id)
        return await self.run(user_id, self._tool("upscale"), _first_output(parent), {},
                              origin, request_key=key, parent_id=parent.id, action="upscale")

    async def vary(self, user_id: str, job_id: str, origin: ReplyTo) -> Job:
        """A variation: img2img of the result with the same prompt and a fresh seed."""
        parent = await self.make_image.own_job(user_id, job_id)
        tool = self._tool("img2img")
        spec = self.catalogue.get(tool).spec
        raw = {k: v for k, v in parent.params.items() if k in spec.names() and spec.param(k).type in ("text",)}
        if "denoise" in spec.names():
            raw["denoise"] = VARY_DENOISE
        key = await self.make_image.follow_up_key(user_id, "vary", parent.id)
        return await self.run(user_id, tool, _first_output(parent), raw, origin,
                              request_key=key, parent_id=parent.id, action="vary")

    def _tool(self, name: str) -> str:
        if name not in self.catalogue:
            raise DomainError(f"This station has no /{name} tool.")
        return name


def _first_output(job: Job) -> str:
    image = first_image(job.outputs)
    if image is None:
        raise Conflict("That job has no image to work on.")
    return image
