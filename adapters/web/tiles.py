"""Gallery tiles: one per job, drawn by what the job made (pictures, a model, a file) or by its still running."""
from __future__ import annotations

from dataclasses import dataclass

from domain.blobs import first_image
from domain.jobs import Job, JobKind, JobState


@dataclass(frozen=True)
class Tile:
    job: Job
    kind: str  # running | image | model | file | ended: the macro of _tiles.html that draws it
    picture: str | None = None  # the stored picture to show


def tile_for(job: Job) -> Tile:
    if not job.terminal:
        return Tile(job, "running")
    if job.state is not JobState.SUCCEEDED:
        return Tile(job, "ended")
    if job.kind == JobKind.TRAINING:
        return Tile(job, "model")
    picture = first_image(job.outputs)
    return Tile(job, "image", picture) if picture else Tile(job, "file")

