"""The dataset check before a training charge, and its one-tap fixes (write the trigger, remove pictures)."""
from __future__ import annotations

from domain.dataset_check import Finding, check_dataset
from domain.errors import DatasetNotReady, DomainError
from domain.templates import Catalogue, DatasetNeeds
from domain.training import Dataset, DatasetRules
from ports.blobs import BlobStore
from ports.media import MediaProcessor, MediaRejected
from ports.storage import Storage


class DatasetReview:
    def __init__(self, storage: Storage, blobs: BlobStore, media: MediaProcessor, catalogue: Catalogue,
                 rules: DatasetRules):
        self.storage, self.blobs, self.media, self.catalogue, self.rules = storage, blobs, media, catalogue, rules

    def needs(self, tool: str | None = None) -> DatasetNeeds:
        """What the training template (the named one, or the station's first) asks of a dataset."""
        templates = [self.catalogue.get(tool)] if tool else self.catalogue.templates("training")
        return templates[0].dataset if templates else DatasetNeeds()

    async def check(self, dataset: Dataset, tool: str | None = None) -> list[Finding]:
        return check_dataset(dataset, self.rules, self.needs(tool), await self._fingerprints(dataset))

    async def require_ready(self, dataset: Dataset | None, tool: str | None = None) -> None:
        """DatasetNotReady listing what to fix, before anything is charged."""
        findings = await self.check(dataset, tool) if dataset else [Finding("the dataset was deleted")]
        if findings:
            raise DatasetNotReady([f.text for f in findings])

    async def fingerprint(self, data: bytes) -> str:
        try:
            return f"{self.media.fingerprint(data):022x}"
        except MediaRejected:
            return ""

    async def remove(self, dataset: Dataset, numbers: tuple[int, ...]) -> Dataset:
        """Remove several pictures at once (numbers as the check named them)."""
        if not numbers:
            raise DomainError("Name the pictures to remove.")
        updated = dataset
        for number in sorted(set(numbers), reverse=True):
            updated = updated.remove(number)
        await self.storage.datasets.save(updated)
        for number in set(numbers):
            await self.blobs.delete(dataset.images[number - 1].blob)
        return updated

    async def _fingerprints(self, dataset: Dataset) -> list[int]:
        prints = []
        for image in dataset.images:
            known = image.fingerprint or await self.fingerprint(await self.blobs.get(image.blob))
            prints.append(int(known, 16) if known else -1)
        return prints
