"""Gallery tiles: one per job, drawn by what the job made (pictures, a video, words, a model, a file) or by its
still running."""
from __future__ import annotations

from dataclasses import dataclass

from domain.blobs import Shown, first_image, shown_as
from domain.jobs import Job, JobKind, JobState


@dataclass(frozen=True)
class Tile:
    job: Job
    kind: str  # running | image | video | text | model | file | ended: how _tiles.html draws it
    picture: str | None = None  # the stored picture (an animation is one) or video to show
    words: str = ""  # the first words of a text result


def tile_for(job: Job, words: str = "") -> Tile:
    if not job.terminal:
        return Tile(job, "running")
    if job.state is not JobState.SUCCEEDED:
        return Tile(job, "ended")
    if job.kind == JobKind.TRAINING:
        return Tile(job, "model")
    picture = first_image(job.outputs)
    if picture:
        return Tile(job, "image", picture)
    first = job.outputs[0] if job.outputs else None
    shown = shown_as(first) if first else Shown.FILE
    if shown is Shown.VIDEO:
        return Tile(job, "video", first)
    return Tile(job, "text", words=words) if shown is Shown.TEXT else Tile(job, "file")

