"""Training datasets filled a little at a time, training runs, and the models they produce."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from domain.errors import DomainError, IllegalTransition, InvalidParameter, NotFound
from domain.text import one_line, refuse_control
from domain.visibility import Shareable, Visibility

_TRIGGER = re.compile(r"[A-Za-z0-9_\-]{2,40}")
_DATASET_NAME = re.compile(r"[A-Za-z0-9_\-]{1,40}")
CAPTION_MAX = 1000
PREFIX_MAX = 100


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
    fingerprint: str = ""  # hex of the media port's perceptual hash ("" for pictures added before it existed)


@dataclass(frozen=True)
class Dataset:
    id: str
    owner: str
    name: str
    created_at: float
    images: tuple[DatasetImage, ...] = ()
    trigger: str = ""
    prefix: str = ""  # written before every caption that lacks the trigger; "" means "<trigger>, "

    @property
    def caption_prefix(self) -> str:
        return self.prefix or (f"{self.trigger}, " if self.trigger else "")

    def has_trigger(self, caption: str) -> bool:
        return bool(self.trigger) and re.search(rf"(?<![\w-]){re.escape(self.trigger)}(?![\w-])", caption,
                                                re.IGNORECASE) is not None

    def written(self, caption: str) -> str:
        """The caption as stored: with the prefix in front when it lacks the trigger (an empty one stays empty)."""
        caption = caption.strip()
        return caption if not caption or not self.trigger or self.has_trigger(caption) else \
            self.caption_prefix + caption

    def add(self, image: DatasetImage, rules: DatasetRules) -> "Dataset":
        if len(self.images) >= rules.max_images:
            raise DomainError(f"Dataset '{self.name}' is full: at most {rules.max_images} images are allowed.")
        return replace(self, images=self.images + (check_caption(replace(image, caption=self.written(image.caption))),))

    def remove(self, number: int) -> "Dataset":
        index = self._index(number)
        return replace(self, images=self.images[:index] + self.images[index + 1:])

    def caption(self, number: int, text: str) -> "Dataset":
        index = self._index(number)
        image = check_caption(replace(self.images[index], caption=self.written(text)))
        return replace(self, images=self.images[:index] + (image,) + self.images[index + 1:])

    def with_trigger(self, word: str) -> "Dataset":
        """The new trigger takes the old one's place in every caption; captions without it get the prefix."""
        if not _TRIGGER.fullmatch(refuse_control(word, "trigger")):
            raise InvalidParameter("trigger", "A trigger word is 2 to 40 letters, digits, _ or -, with no spaces.")
        old = self.trigger
        renamed = replace(self, trigger=word, prefix=_renamed(self.prefix, old, word))
        return renamed.with_captions(lambda text: _renamed(text, old, word))

    def with_prefix(self, prefix: str) -> "Dataset":
        """A new prefix, put in place of the old one where a caption starts with it."""
        if len(refuse_control(prefix, "prefix")) > PREFIX_MAX:
            raise InvalidParameter("prefix", f"A caption prefix is at most {PREFIX_MAX} characters.")
        old, changed = self.caption_prefix, replace(self, prefix=prefix)
        new = changed.caption_prefix
        return changed.with_captions(lambda text: new + text[len(old):] if old and text.startswith(old) else text)

    def write_trigger(self) -> "Dataset":
        """Every caption that lacks the trigger gets the prefix (the one-tap fix of the dataset check)."""
        return self.with_captions(lambda text: text)

    def with_captions(self, change: Callable[[str], str]) -> "Dataset":
        images = tuple(check_caption(replace(i, caption=self.written(change(i.caption)))) for i in self.images)
        return replace(self, images=images)

    def _index(self, number: int) -> int:
        if not 1 <= number <= len(self.images):
            raise NotFound(f"There is no image {number}: dataset '{self.name}' has images 1 to {len(self.images)}.")
        return number - 1


def _renamed(text: str, old: str, new: str) -> str:
    if not old:
        return text
    return re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", lambda _: new, text, flags=re.IGNORECASE)


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
    curve: str = ""  # the loss curve: its training job's picture output, kept once ("" when the run drew none)

    VISIBILITIES = (Visibility.PRIVATE, Visibility.SHARED, Visibility.PUBLIC)
