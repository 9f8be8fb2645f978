"""The runner's follow-up for caption jobs: the text becomes the picture's caption; the set is told about once."""
from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict

from domain.blobs import BlobArea, BlobKey
from domain.errors import NotFound
from domain.jobs import Job, JobState
from domain.training import CAPTION_MAX
from ports.blobs import BlobStore
from ports.notifier import Notice, NoticeKind, Notifier
from ports.storage import Storage

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # a model's stray control characters: a caption is one plain line


def picture_of(job: Job) -> BlobKey | None:
    """The dataset picture a caption job describes."""
    for value in job.params.values():
        try:
            key = BlobKey.parse(value) if isinstance(value, str) else None
        except NotFound:
            continue
        if key is not None and key.area is BlobArea.DATASETS:
            return key
    return None


class CaptionFinisher:
    """Writing a caption twice writes the same words, so every step may run again after a crash."""

    def __init__(self, storage: Storage, blobs: BlobStore, notifier: Notifier):
        self.storage, self.blobs, self.notifier = storage, blobs, notifier
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)  # one dataset written at a time

    async def started(self, job: Job) -> None:
        return None

    async def succeeding(self, job: Job) -> None:
        """The picture's caption becomes the text (with the dataset's prefix); a picture removed meanwhile is skipped."""
        picture = picture_of(job)
        if picture is None or not job.outputs:
            return
        text = _CONTROL.sub(" ", (await self.blobs.get(job.outputs[0])).decode("utf-8", "replace"))
        async with self._locks[picture.owner]:
            dataset = await self.storage.datasets.get(picture.owner)
            numbers = [n for n, i in enumerate(dataset.images, 1) if i.blob == str(picture)] if dataset else []
            if dataset is not None and numbers:
                await self.storage.datasets.save(dataset.caption(numbers[0], text[:CAPTION_MAX - len(dataset.caption_prefix)]))

    async def ended(self, job: Job) -> None:
        """Once every job of its set has ended, the last one tells the owner how the set went."""
        batch = [j for j in await self.storage.jobs.of_user(job.user_id, limit=500) if j.action == job.action]
        if not batch or any(not j.terminal for j in batch) or max(batch, key=lambda j: (j.updated_at, j.id)).id != job.id:
            return
        try:
            await self.notifier.notify(job.origin, Notice(NoticeKind.TEXT, text=await self._summary(batch)))
        except Exception:  # a broken chat must never break the job
            log.exception("telling the captions of job %s failed", job.id)

    async def _summary(self, batch: list[Job]) -> str:
        picture = picture_of(batch[0])
        dataset = await self.storage.datasets.get(picture.owner) if picture else None
        where = {i.blob: n for n, i in enumerate(dataset.images, 1)} if dataset else {}
        failed = [j for j in batch if j.state is not JobState.SUCCEEDED]
        name = f"'{dataset.name}'" if dataset else "your dataset"
        text = f"🏷 Captions for {name}: {len(batch) - len(failed)} of {len(batch)} pictures captioned."
        if failed:
            numbers = sorted(where.get(str(picture_of(j)), 0) for j in failed)
            refunded = sum(j.price for j in failed if j.refunded)
            listed = ", ".join(str(n) for n in numbers if n) or "some pictures"
            text += f" No caption for {listed}: {refunded} point{'' if refunded == 1 else 's'} came back."
        return text + (f" Read and edit them with /train show {dataset.name}." if dataset else "")

