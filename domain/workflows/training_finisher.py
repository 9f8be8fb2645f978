"""The runner's follow-up for training jobs: the run's state, and the trained LoRA registered as a model."""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from domain.blobs import first_image
from domain.errors import DomainError
from domain.jobs import Job, JobState
from domain.templates import Catalogue
from domain.training import Model, RunState, TrainingRun
from domain.workflows.collections import Collections
from domain.workflows.lora_delivery import LoraDelivery
from domain.workflows.requests import lora_output
from ports.blobs import BlobStore
from ports.clock import Clock
from ports.engine import ImageEngine
from ports.storage import Storage

_RUN_ENDINGS = {JobState.FAILED: RunState.FAILED, JobState.CANCELLED: RunState.CANCELLED}


def model_id_for(job: Job) -> str:
    """A training job makes at most one model, whatever is repeated after a crash."""
    return hashlib.sha256(f"model:{job.id}".encode()).hexdigest()[:32]


class TrainingFinisher:
    """Every step can run again after a crash: the model's id comes from its job, adding to a collection
    is a no-op the second time, and a run already completed stays completed."""

    def __init__(self, storage: Storage, blobs: BlobStore, catalogue: Catalogue, collections: Collections,
                 clock: Clock, loras: LoraDelivery, healthy_engines: Callable[[], list[ImageEngine]]):
        self.storage, self.blobs, self.catalogue, self.collections = storage, blobs, catalogue, collections
        self.clock, self.loras, self.healthy_engines = clock, loras, healthy_engines

    async def started(self, job: Job) -> None:
        run = await self.storage.runs.by_job(job.id)
        if run is not None and run.state is RunState.SUBMITTED:
            await self.storage.runs.save(run.to(RunState.TRAINING))

    async def succeeding(self, job: Job) -> None:
        """Register the trained LoRA for its owner once a healthy worker can load it (the one that trained it
        usually can; otherwise it is delivered to one); a training without a usable model fails and is refunded."""
        run = await self.storage.runs.by_job(job.id)
        if run is None:
            raise DomainError("the training run of this job was not recorded")
        if run.state is RunState.COMPLETED:
            return
        if not job.outputs or not await self.blobs.exists(job.outputs[0]):
            raise DomainError("training finished without a model file")
        model = await self.storage.models.get(model_id_for(job)) or await self._register(job, run)
        await self.collections.add_to_default(job.user_id, "model", model.id)
        await self.storage.runs.save(run.to(RunState.COMPLETED, model_id=model.id))

    async def ended(self, job: Job) -> None:
        run = await self.storage.runs.by_job(job.id)
        if run is not None and not run.terminal and job.state in _RUN_ENDINGS:
            await self.storage.runs.save(run.to(_RUN_ENDINGS[job.state], error=job.error))

    async def _register(self, job: Job, run: TrainingRun) -> Model:
        saved = lora_output(self.catalogue.get(job.tool), job)
        if saved is None:
            raise DomainError("this training template names no LoRA file")
        await self.loras.ensure_loadable(saved.filename, job.outputs[0], self.healthy_engines())
        dataset = await self.storage.datasets.get(run.dataset_id)
        size = 0
        async for chunk in self.blobs.stream(job.outputs[0]):
            size += len(chunk)
        model = Model(id=model_id_for(job), owner=job.user_id, name=await self._free_name(job.user_id, run.model_name),
                      blob=job.outputs[0], filename=saved.filename,
                      trigger=dataset.trigger if dataset else "", created_at=self.clock.now(), job_id=job.id,
                      size=size, curve=first_image(job.outputs[1:]) or "")
        await self.storage.models.add(model)
        return model

    async def _free_name(self, owner: str, wanted: str) -> str:
        taken = {m.name for m in await self.storage.models.visible_to(owner) if m.owner == owner}
        name, n = wanted, 2
        while name in taken:
            name, n = f"{wanted}_{n}", n + 1
        return name
