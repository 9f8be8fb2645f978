"""Blob keys: where the domain keeps a result, an input or a dataset image, built and read in one place."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import NotFound

IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
VIDEO_TYPES = {"webm": "video/webm", "mp4": "video/mp4"}
TEXT_TYPES = {"txt": "text/plain; charset=utf-8"}
OTHER_TYPES = {"gif": "image/gif", "safetensors": "application/octet-stream"}


class Shown(StrEnum):
    """How a face shows a stored file: a picture (still or animated), a video player, words, or a download."""

    IMAGE = "image"
    VIDEO = "video"
    TEXT = "text"
    FILE = "file"


class BlobArea(StrEnum):
    RESULTS = "results"  # results/<job id>/<n>.<ext>: a job's outputs
    INPUTS = "inputs"  # inputs/<user id>/<file id>.<ext>: an image a user sent
    DATASETS = "datasets"  # datasets/<dataset id>/<file id>.<ext>: a training image


@dataclass(frozen=True)
class BlobKey:
    """A stored file's key: its area, the record it belongs to (job, user or dataset) and its file name."""

    area: BlobArea
    owner: str
    name: str

    def __str__(self) -> str:
        return f"{self.area.value}/{self.owner}/{self.name}"

    @classmethod
    def result(cls, job_id: str, number: int, extension: str) -> BlobKey:
        return cls(BlobArea.RESULTS, job_id, f"{number}.{extension}")

    @classmethod
    def input(cls, user_id: str, file_id: str, extension: str) -> BlobKey:
        return cls(BlobArea.INPUTS, user_id, f"{file_id}.{extension}")

    @classmethod
    def dataset_image(cls, dataset_id: str, file_id: str, extension: str) -> BlobKey:
        return cls(BlobArea.DATASETS, dataset_id, f"{file_id}.{extension}")

    @classmethod
    def parse(cls, text: str) -> BlobKey:
        """The key `text` names; NotFound (said the same for every bad key) if it is not one of ours."""
        area, owner, name = (str(text).split("/") + ["", ""])[:3] if text.count("/") == 2 else ("", "", "")
        if area not in BlobArea.__members__.values() or not owner or not name or name.startswith("."):
            raise NotFound("There is no such file.")
        return cls(BlobArea(area), owner, name)

    @property
    def extension(self) -> str:
        return extension_of(self.name)

    @property
    def is_image(self) -> bool:
        return self.extension in IMAGE_TYPES

    @property
    def content_type(self) -> str:
        return content_type(self.extension)

    @property
    def shown(self) -> Shown:
        return shown_as(self)


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"


def is_image(key: str | BlobKey) -> bool:
    """Whether a stored file is a picture (by its extension): the one rule every face uses."""
    return extension_of(str(key).rsplit("/", 1)[-1]) in IMAGE_TYPES


def content_type(extension: str) -> str:
    return IMAGE_TYPES.get(extension) or VIDEO_TYPES.get(extension) or TEXT_TYPES.get(extension) \
        or OTHER_TYPES.get(extension) or "application/octet-stream"


def shown_as(key: str | BlobKey) -> Shown:
    """The one rule every face uses to pick an <img>, a <video>, a text block or a download for a file."""
    extension = extension_of(str(key).rsplit("/", 1)[-1])
    if extension in IMAGE_TYPES or extension == "gif":
        return Shown.IMAGE
    return Shown.VIDEO if extension in VIDEO_TYPES else Shown.TEXT if extension in TEXT_TYPES else Shown.FILE


def first_image(keys: tuple[str, ...]) -> str | None:
    return next((key for key in keys if is_image(key)), None)
