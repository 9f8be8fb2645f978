"""Trained LoRAs brought to the workers: before a job needs one there, and once when its training ends."""
from __future__ import annotations

import hashlib
import logging

from domain.errors import DomainError
from domain.jobs import Job
from domain.templates import Template
from domain.workflows.requests import training_job_of
from ports.blobs import BlobStore
from ports.engine import DeliveryFailed, EngineUnavailable, ImageEngine
from ports.storage import Storage

log = logging.getLogger(__name__)


def station_loras(job: Job, template: Template) -> frozenset[str]:
    """The station-trained LoRA files a job's graph loads (operators' LoRAs are already on the workers)."""
    return frozenset(str(job.params[p.name]) for p in template.spec.params
                     if p.type == "lora" and job.params.get(p.name) and training_job_of(str(job.params[p.name])))


class LoraDelivery:
    def __init__(self, storage: Storage, blobs: BlobStore):
        self.storage, self.blobs = storage, blobs

    async def ensure(self, job: Job, template: Template, engine: ImageEngine) -> frozenset[str]:
        """Every station-trained LoRA the job loads is on `engine` afterwards (the worker it will run on).
        Raises DomainError in plain words if one cannot get there, EngineUnavailable if the worker is down."""
        needed = station_loras(job, template)
        for filename in needed - set(await engine.choices("loras", fresh=True)) if needed else ():
            await self._send(engine, filename, await self._blob_of(filename))
        return needed

    async def ensure_loadable(self, filename: str, blob: str, engines: list[ImageEngine]) -> None:
        """At least one of these (healthy) workers can load the file: it has it, or `blob` was delivered to one."""
        reasons = []
        for engine in engines:
            try:
                if filename in await engine.choices("loras", fresh=True):
                    return
                await self._send(engine, filename, blob)
                return
            except (DomainError, EngineUnavailable) as error:
                reasons.append(f"{engine.name}: {error}")
        log.warning("no worker can load %s: %s", filename, "; ".join(reasons) or "no healthy worker")
        raise DomainError("the trained model could not be made available to any worker")

    async def _send(self, engine: ImageEngine, filename: str, blob: str) -> None:
        digest, size = hashlib.sha256(), 0
        async for chunk in self.blobs.stream(blob):
            digest.update(chunk)
            size += len(chunk)
        try:
            written = await engine.deliver("loras", filename, size, digest.hexdigest(), self.blobs.stream(blob))
        except DeliveryFailed as error:
            log.warning("delivering %s to %s failed: %s", filename, engine.name, error)
            raise DomainError("a LoRA it uses could not be brought to the worker") from None
        log.info("LoRA %s %s %s (%d bytes)", filename, "delivered to" if written else "already on", engine.name, size)

    async def _blob_of(self, filename: str) -> str:
        training = await self.storage.jobs.get(training_job_of(filename) or "")
        if training is None or not training.outputs:
            raise DomainError("a LoRA it uses is no longer stored")
        return training.outputs[0]
