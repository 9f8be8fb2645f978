"""Turn a stored job into what a worker needs: the rendered graph and the files to upload first."""
from __future__ import annotations

import re
from typing import Any

from domain.errors import DomainError
from domain.jobs import Job
from domain.templates import Template
from ports.blobs import BlobStore
from ports.engine import OutputFile, UploadFile
from ports.storage import Storage

INPUT_FOLDER = "stationthis"
_STATION_LORA = re.compile(r"^st_([A-Za-z0-9-]+)_\d+_steps_\d{5}_\.safetensors$")


def lora_prefix(job: Job) -> str:
    return f"loras/st_{job.id}"


def training_job_of(filename: str) -> str | None:
    """The training job a station-trained LoRA file came from (its name says so), or None for any other file."""
    match = _STATION_LORA.match(filename)
    return match.group(1) if match else None


def offered_to_everyone(loras: list[str]) -> list[str]:
    """A worker's LoRA files anyone may pick: the operator's, never a user's trained one (those go by model)."""
    return [name for name in loras if training_job_of(name) is None]


def lora_output(template: Template, job: Job) -> OutputFile | None:
    """The file ComfyUI's LoRA saver writes for this job (history never lists it, so derive it)."""
    if template.lora_file is None:
        return None
    steps = job.params.get(template.lora_file.steps_param)
    return OutputFile(node=template.lora_file.node, filename=f"st_{job.id}_{steps}_steps_00001_.safetensors",
                      subfolder="loras", type="output")


async def build_request(job: Job, template: Template, storage: Storage, blobs: BlobStore
                        ) -> tuple[dict[str, Any], tuple[UploadFile, ...]]:
    values = dict(job.params)
    uploads: list[UploadFile] = []
    for spec in template.spec.params:
        value = values.get(spec.name)
        if spec.type == "image" and value:
            name = f"{job.id}_{spec.name}.png"
            uploads.append(UploadFile(INPUT_FOLDER, name, await blobs.get(value)))
            values[spec.name] = f"{INPUT_FOLDER}/{name}"
        elif spec.type == "dataset" and value:
            folder = f"st_{job.id}"
            dataset = await storage.datasets.get(value)
            if dataset is None:
                raise DomainError("the dataset of this training was deleted")
            for number, image in enumerate(dataset.images, start=1):
                uploads.append(UploadFile(folder, f"{number:03d}.png", await blobs.get(image.blob)))
                uploads.append(UploadFile(folder, f"{number:03d}.txt", dataset.written(image.caption).encode()))
            values[spec.name] = folder
    graph = template.render(values)
    if template.lora_file is not None:
        graph[template.lora_file.node]["inputs"]["prefix"] = lora_prefix(job)
    return graph, tuple(uploads)
