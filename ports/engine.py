"""Image engine port: one ComfyUI-like worker that runs graphs and reports what happens."""
from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


@dataclass(frozen=True)
class UploadFile:
    subfolder: str
    name: str
    data: bytes


@dataclass(frozen=True)
class OutputFile:
    node: str
    filename: str
    subfolder: str = ""
    type: str = "output"


@dataclass(frozen=True)
class OutputText:
    """Words a node showed (core PreviewAny, a captioning node): ComfyUI's history carries them, not a file."""

    node: str
    text: str


Output = OutputFile | OutputText


class EventKind(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PROGRESS = "progress"
    PREVIEW = "preview"  # the newest picture of a running prompt (JPEG or PNG bytes)
    OUTPUT = "output"  # files a node saved while the prompt runs on (the final event names them all again)
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINAL_EVENTS = (EventKind.SUCCEEDED, EventKind.FAILED, EventKind.CANCELLED)


class PromptState(StrEnum):
    """What a worker knows of a prompt."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class EngineEvent:
    kind: EventKind
    value: int = 0
    max: int = 0
    message: str = ""
    outputs: tuple[Output, ...] = ()
    preview: bytes = b""

    @property
    def final(self) -> bool:
        return self.kind in FINAL_EVENTS


@dataclass(frozen=True)
class PromptStatus:
    state: PromptState
    outputs: tuple[Output, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class GraphProblem:
    """Why a worker would refuse a graph. `detail` is for operators (it names nodes); when all that is
    wrong is a model file the worker lacks, `model` names the file and `model_kind` its kind ("checkpoint"); when a
    node type is unknown to the worker, `node_type` names it."""

    detail: str
    model: str = ""
    model_kind: str = ""
    node_type: str = ""  # a node type the worker does not have at all


@dataclass(frozen=True)
class WorkerHealth:
    ok: bool
    queue_remaining: int = 0
    previews: bool = False  # it sends a picture of each step while sampling
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class EngineUnavailable(Exception):
    """The worker did not answer, or answered garbage; the job may go elsewhere or fail."""


class DeliveryFailed(Exception):
    """The worker answered but cannot take a model file (no extension, another secret, a damaged transfer)."""


class ImageEngine(Protocol):
    name: str

    async def health(self) -> WorkerHealth: ...
    async def choices(self, kind: str, fresh: bool = False) -> list[str]:
        """Names the worker offers for a model kind: checkpoints, loras, upscale_models (`fresh`: not from a cache)."""
    async def check(self, graph: dict[str, Any]) -> list[GraphProblem]:
        """Why the worker would reject the graph: unknown nodes, missing inputs, wrong links or values, missing models."""
    async def submit(self, prompt_id: str, graph: dict[str, Any], uploads: tuple[UploadFile, ...]) -> None:
        """Upload the files then queue the graph under `prompt_id`. Raises EngineRejected
        (the worker refused the graph: the message is for the user) or EngineUnavailable."""
    def follow(self, prompt_id: str) -> AsyncIterator[EngineEvent]:
        """Events for the prompt until a final one; survives a dropped socket by polling."""
    async def status(self, prompt_id: str) -> PromptStatus: ...
    async def fetch(self, output: OutputFile) -> bytes: ...
    async def cancel(self, prompt_id: str) -> None: ...
    async def deliver(self, folder: str, filename: str, size: int, sha256: str, chunks: AsyncIterator[bytes]) -> bool:
        """Put a model file into the worker's models/<folder>, checked by hash; True if written, False if it was
        there already. Raises DeliveryFailed or EngineUnavailable."""
    async def delivery_problem(self) -> str:
        """Why model files cannot be delivered to this worker ("" when they can)."""
    async def close(self) -> None: ...
