"""Who may read a stored file, and reading it: results, inputs, dataset images, models, collection pictures."""
from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from domain.blobs import BlobArea, BlobKey, Shown, is_image, shown_as
from domain.collections import Collection
from domain.errors import NotFound
from domain.jobs import Job
from domain.training import Model
from domain.workflows.accounts import owns_input
from domain.workflows.collections import Collections
from domain.workflows.models import Models
from ports.blobs import BlobStore
from ports.storage import Storage

NOT_YOURS = "There is no such file, or it is not yours."


@dataclass(frozen=True)
class ResultFile:
    """One stored result of a job with its bytes, and how faces show it."""

    key: str
    data: bytes

    @property
    def shown(self) -> Shown:
        return shown_as(self.key)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace") if self.shown is Shown.TEXT else ""

    def filename(self, job: Job, number: int | None = None) -> str:
        """`<tool>[_<n>].<ext>`: what a chat calls it (never an internal id)."""
        return f"{job.tool}{f'_{number}' if number else ''}.{BlobKey.parse(self.key).extension}"


@dataclass(frozen=True)
class Download:
    """An opened file: its key (for its type and name) and its bytes, streamed."""

    key: BlobKey
    chunks: AsyncIterator[bytes]
    filename: str | None = None


class Access:
    def __init__(self, storage: Storage, blobs: BlobStore, collections: Collections, models: Models):
        self.storage, self.blobs, self.collections, self.models = storage, blobs, collections, models

    async def may_read(self, user_id: str | None, key: str) -> bool:
        """A user's own inputs, results and dataset images; nothing for anyone else or anything else."""
        try:
            blob = BlobKey.parse(key)
        except NotFound:
            return False
        if user_id is None:
            return False
        if blob.area is BlobArea.INPUTS:
            return await owns_input(self.storage, blob, user_id)
        if blob.area is BlobArea.RESULTS:
            job = await self.storage.jobs.get(blob.owner)
            return job is not None and job.user_id == user_id and key in job.outputs
        dataset = await self.storage.datasets.get(blob.owner)
        return dataset is not None and dataset.owner == user_id and any(i.blob == key for i in dataset.images)

    async def file(self, user_id: str | None, key: str) -> Download:
        if not await self.may_read(user_id, key):
            raise NotFound(NOT_YOURS)
        return await self._open(key)

    async def collection_picture(self, user_id: str | None, collection_id: str, number: object,
                                 token: str | None = None) -> Download:
        """Picture N of a collection the user (or the holder of its link) may see."""
        if token is not None:
            collection = await self.collections.by_link(token)
        elif user_id is not None:
            collection = await self.collections.find(user_id, collection_id)
        else:
            raise NotFound("There is no such picture, or it is not shared with you.")
        return await self._open(await self.collections.item_file(collection, number))

    async def model_file(self, user_id: str | None, model_id: str) -> Download:
        if user_id is None:
            raise NotFound("No model like that that you can use.")
        model = await self.models.find(user_id, model_id)
        return await self._open(model.blob, f"{model.name}.safetensors")

    async def model_curve(self, user_id: str | None, model_id: str) -> Download:
        """A trained model's loss curve, for its owner alone (like the model's own training run)."""
        model = await self.models.find(user_id, model_id) if user_id is not None else None
        if model is None or model.owner != user_id or not model.curve:
            raise NotFound("That model has no loss curve you can see.")
        return await self._open(model.curve)

    async def model_curves(self, user_id: str, models: list[Model]) -> list[tuple[Model, bytes]]:
        """The loss curves of the user's own models among `models`, in order (a model without one is left out)."""
        return [(m, await self.blobs.get(m.curve)) for m in models if m.owner == user_id and m.curve
                and await self.blobs.exists(m.curve)]

    async def result_images(self, job: Job) -> list[bytes]:
        """Every picture a job made, in order (a batch makes several), for the chat it reports to."""
        return [await self.blobs.get(key) for key in job.outputs if is_image(key)]

    async def results(self, job: Job) -> list[ResultFile]:
        """Every output of a job with its bytes, in order, whatever its kind (pictures, a video, text)."""
        return [ResultFile(key, await self.blobs.get(key)) for key in job.outputs]

    async def collection_texts(self, collection: Collection) -> dict[str, str]:
        """The words of each text result a collection holds (the caller has checked who may see it)."""
        return {item.ref: (await self.blobs.get(item.ref)).decode("utf-8", "replace") for item in collection.items
                if item.kind == "image" and shown_as(item.ref) is Shown.TEXT and await self.blobs.exists(item.ref)}

    async def result_text(self, job: Job) -> str:
        """The words a text result holds ("" for other kinds)."""
        return "\n\n".join(r.text for r in await self.results(job) if r.shown is Shown.TEXT)

    async def _open(self, key: str, filename: str | None = None) -> Download:
        """Open the file and read its first chunk, so a missing one is NotFound before an answer starts."""
        chunks = self.blobs.stream(key)
        try:
            first = await chunks.__anext__()
        except StopAsyncIteration:
            first = b""
        except (KeyError, ValueError):
            raise NotFound("That file is gone.") from None

        async def whole() -> AsyncIterator[bytes]:
            yield first
            async for chunk in chunks:
                yield chunk

        return Download(BlobKey.parse(key), whole(), filename)
