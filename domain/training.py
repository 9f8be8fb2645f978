"""Training datasets filled a little at a time, training runs, and the models they produce."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from domain.errors import DomainError, IllegalTransition, InvalidParameter, NotFound
from domain.text import one_line, refuse_control
from domain.visibility import Shareable, Visibility

_TRIGGER = re.compile(r"[A-Za-z0-9_\-]{2,40}")
_DATASET_NAME = re.compile(r"[A-Za-z0-9_\-]{1,40}")
CAPTION_MAX = 1000


@dataclass(frozen=True)
class DatasetRules:
    min_images: int = 4
    max_images: int = 50
    require_captions: bool = True


@dataclass(frozen=True)
class DatasetImage:
    blob: str
    caption: str = ""
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class Dataset:
    id: str
    owner: str
    name: str
    created_at: float
    images: tuple[DatasetImage, ...] = ()
    trigger: str = ""

    def add(self, image: DatasetImage, rules: DatasetRules) -> "Dataset":
        if len(self.images) >= rules.max_images:
            raise DomainError(f"Dataset '{self.name}' is full: at most {rules.max_images} images are allowed.")
        return replace(self, images=self.images + (check_caption(image),))

    def remove(self, number: int) -> "Dataset":
        index = self._index(number)
        return replace(self, images=self.images[:index] + self.images[index + 1:])

    def caption(self, number: int, text: str) -> "Dataset":
        index = self._index(number)
        image = check_caption(replace(self.images[index], caption=text.strip()))
        return replace(self, images=self.images[:index] + (image,) + self.images[index + 1:])

    def with_trigger(self, word: str) -> "Dataset":
        if not _TRIGGER.fullmatch(refuse_control(word, "trigger")):
            raise InvalidParameter("trigger", "A trigger word is 2 to 40 letters, digits, _ or -, with no spaces.")
        return replace(self, trigger=word)

    def problems(self, rules: DatasetRules) -> list[str]:
        """Why this dataset cannot be trained yet (empty when it can)."""
        found = []
        if len(self.images) < rules.min_images:
            found.append(f"it has {len(self.images)} images; at least {rules.min_images} are needed")
        if len(self.images) > rules.max_images:
            found.append(f"it has {len(self.images)} images; at most {rules.max_images} are allowed")
        missing = [str(i + 1) for i, img in enumerate(self.images) if not img.caption]
        if rules.require_captions and missing:
            found.append(f"images {', '.join(missing)} have no caption")
        if not self.trigger:
            found.append("it has no trigger word yet (the word that calls up what the model learned)")
        return found

    def _index(self, number: int) -> int:
        if not 1 <= number <= len(self.images):
            raise NotFound(f"There is no image {number}: dataset '{self.name}' has images 1 to {len(self.images)}.")
        return number - 1


def check_caption(image: DatasetImage) -> DatasetImage:
    """A caption is one line: line breaks become spaces, other control characters are refused."""
    image = replace(image, caption=one_line(image.caption, "caption"))
    if len(image.caption) > CAPTION_MAX:
        raise DomainError(f"A caption is at most {CAPTION_MAX} characters; this one has {len(image.caption)}.")
    return image


def check_dataset_name(name: str) -> str:
    if not _DATASET_NAME.fullmatch(refuse_control(name or "", "name")):
        raise InvalidParameter("name", "A dataset name is 1 to 40 letters, digits, _ or -, e.g. my_cat.")
    return name


class RunState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    TRAINING = "training"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


RUN_TRANSITIONS = {
    RunState.DRAFT: {RunState.SUBMITTED, RunState.CANCELLED},
    RunState.SUBMITTED: {RunState.TRAINING, RunState.COMPLETED, RunState.FAILED, RunState.CANCELLED},
    RunState.TRAINING: {RunState.COMPLETED, RunState.FAILED, RunState.CANCELLED},
    RunState.COMPLETED: set(),
    RunState.FAILED: set(),
    RunState.CANCELLED: set(),
}


@dataclass(frozen=True)
class TrainingRun:
    """A training of one dataset; its charge, queueing and progress live in the job it runs as."""

    id: str
    owner: str
    dataset_id: str
    model_name: str
    price: int
    state: RunState
    created_at: float
    params: dict[str, Any] = field(default_factory=dict)
    tool: str = ""
    job_id: str | None = None
    model_id: str | None = None
    error: str | None = None

    @property
    def terminal(self) -> bool:
        return not RUN_TRANSITIONS[self.state]

    def to(self, target: RunState, **changes: Any) -> TrainingRun:
        if target not in RUN_TRANSITIONS[self.state]:
            raise IllegalTransition("training run", self.state.value, target.value)
        return replace(self, state=target, **changes)


@dataclass(frozen=True)
class Model(Shareable):
    """A trained LoRA, owned by one user; visibility works like a collection's."""

    id: str
    owner: str
    name: str
    blob: str
    filename: str
    trigger: str
    created_at: float
    visibility: Visibility = Visibility.PRIVATE
    shared_with: dict[str, str] = field(default_factory=dict)
    job_id: str | None = None
    size: int = 0

    VISIBILITIES = (Visibility.PRIVATE, Visibility.SHARED, Visibility.PUBLIC)
