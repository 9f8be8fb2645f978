"""Image engine port: one ComfyUI-like worker that runs graphs and reports what happens."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import AsyncIterator, Protocol


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
class EngineEvent:
    """kind: queued | running | progress | succeeded | failed | cancelled."""

    kind: str
    value: int = 0
    max: int = 0
    message: str = ""
    outputs: tuple[OutputFile, ...] = ()

    @property
    def final(self) -> bool:
        return self.kind in ("succeeded", "failed", "cancelled")


@dataclass(frozen=True)
class PromptStatus:
    """What a worker knows of a prompt: queued | running | succeeded | failed | cancelled | unknown."""

    state: str
    outputs: tuple[OutputFile, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class WorkerHealth:
    ok: bool
    queue_remaining: int = 0
    message: str = ""
    details: dict = field(default_factory=dict)


class EngineUnavailable(Exception):
    """The worker did not answer, or answered garbage; the job may go elsewhere or fail."""


class ImageEngine(Protocol):
    name: str

    async def health(self) -> WorkerHealth: ...
    async def choices(self, kind: str) -> list[str]:
        """Names the worker offers for a model kind: checkpoints, loras, upscale_models."""
    async def check(self, graph: dict) -> list[str]:
        """Problems the worker would reject the graph for (unknown nodes, unavailable models)."""
    async def submit(self, prompt_id: str, graph: dict, uploads: tuple[UploadFile, ...]) -> None:
        """Upload the files then queue the graph under `prompt_id`. Raises EngineRejected
        (the worker refused the graph: the message is for the user) or EngineUnavailable."""
    def follow(self, prompt_id: str) -> AsyncIterator[EngineEvent]:
        """Events for the prompt until a final one; survives a dropped socket by polling."""
    async def status(self, prompt_id: str) -> PromptStatus: ...
    async def fetch(self, output: OutputFile) -> bytes: ...
    async def cancel(self, prompt_id: str) -> None: ...
    async def close(self) -> None: ...
