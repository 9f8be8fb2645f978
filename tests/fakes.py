"""Hand-written fakes at the ports (engine, notifier), recording what happened."""
from __future__ import annotations

import asyncio
import hashlib
import io
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from domain.errors import EngineRejected
from ports.engine import (
    DeliveryFailed,
    EngineEvent,
    EngineUnavailable,
    EventKind,
    GraphProblem,
    OutputFile,
    PromptState,
    PromptStatus,
    WorkerHealth,
)
from ports.notifier import Notice


def png(width: int = 64, height: int = 64, color=(200, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def patterned_png(width: int = 64, height: int = 64, color=(200, 80, 40)) -> bytes:
    """A picture with a shape on it (a blur or a fingerprint has something to see), in `color` mostly."""
    image = Image.new("RGB", (width, height), color)
    ImageDraw.Draw(image).ellipse([width // 4, height // 4, width * 3 // 4, height * 3 // 4], fill=(250, 250, 250))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class FakeEngine:
    """An in-memory worker: each prompt runs `steps` steps of `step_delay` seconds and makes one PNG."""

    name: str = "fake://worker-1"
    steps: int = 3
    step_delay: float = 0.01
    checkpoints: list = field(default_factory=lambda: ["sd15.safetensors"])
    loras: list = field(default_factory=list)
    healthy: bool = True
    missing_files: bool = False
    graph_problems: list = field(default_factory=list)  # what check() reports besides missing checkpoints
    accepts_models: bool = True  # has the StationThis extension
    previews: bool = False  # sends a picture of each step (a PNG whose red channel is the step number)
    reports_steps: bool = True  # False: an older ComfyUI whose training node says nothing until it ends
    saves_early: bool = False  # tells of the saved file before the prompt ends, as ComfyUI's `executed` does
    timeline: list = field(default_factory=list)  # ("fetched", file name) and ("ended", prompt id), in order
    delivered: dict = field(default_factory=dict)  # file name -> bytes received by deliver()
    submitted: list = field(default_factory=list)
    states: dict = field(default_factory=dict)
    cancelled: set = field(default_factory=set)
    _fail: list = field(default_factory=list)
    _reject: list = field(default_factory=list)
    _outputs: dict = field(default_factory=dict)

    def fail_next(self, message: str = "KSampler failed: out of memory") -> None:
        self._fail.append(message)

    def reject_next(self, message: str = "KSampler steps: Value 0 smaller than min of 1") -> None:
        self._reject.append(message)

    async def health(self) -> WorkerHealth:
        if not self.healthy:
            raise EngineUnavailable(f"{self.name} does not answer")
        return WorkerHealth(ok=True, queue_remaining=sum(s in ("queued", "running") for s in self.states.values()),
                            previews=self.previews)

    async def choices(self, kind: str, fresh: bool = False) -> list[str]:
        return {"checkpoints": self.checkpoints, "loras": self.loras}.get(kind, [])

    async def check(self, graph: dict) -> list[GraphProblem]:
        return list(self.graph_problems) + [GraphProblem(f"checkpoint '{n['inputs']['ckpt_name']}' is not installed", n["inputs"]["ckpt_name"],
                             "checkpoint") for n in graph.values()
                if n["class_type"] == "CheckpointLoaderSimple" and n["inputs"].get("ckpt_name") not in self.checkpoints]

    async def deliver(self, folder: str, filename: str, size: int, sha256: str, chunks) -> bool:
        if not self.accepts_models:
            raise DeliveryFailed(f"{self.name} has no StationThis extension")
        data = b"".join([chunk async for chunk in chunks])
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
            raise DeliveryFailed(f"{self.name} received the file damaged")
        self.delivered[filename] = data
        self.loras.append(filename)
        return True

    async def delivery_problem(self) -> str:
        return "" if self.accepts_models else f"{self.name} has no StationThis extension"

    async def submit(self, prompt_id: str, graph: dict, uploads) -> None:
        if not self.healthy:
            raise EngineUnavailable(f"{self.name} does not answer")
        if self._reject:
            raise EngineRejected(self._reject.pop(0))
        self.submitted.append((prompt_id, graph, uploads))
        self.states[prompt_id] = "queued"

    async def follow(self, prompt_id: str):
        yield EngineEvent(EventKind.RUNNING)
        self.states[prompt_id] = "running"
        for step in range(1, self.steps + 1):
            await asyncio.sleep(self.step_delay)
            if not self.healthy:
                raise EngineUnavailable(f"{self.name} stopped answering")
            if prompt_id in self.cancelled:
                self.states[prompt_id] = "cancelled"
                yield EngineEvent(EventKind.CANCELLED, message="interrupted")
                return
            if self.reports_steps:
                yield EngineEvent(EventKind.PROGRESS, value=step, max=self.steps)
            if self.previews:
                yield EngineEvent(EventKind.PREVIEW, preview=png(8, 8, (step, 0, 0)))
        if self.saves_early:  # then ComfyUI writes the history and says the prompt ended
            yield EngineEvent(EventKind.OUTPUT, outputs=(self._output(prompt_id),))
            await asyncio.sleep(self.step_delay)
        self.timeline.append(("ended", prompt_id))
        if self._fail:
            self.states[prompt_id] = "failed"
            yield EngineEvent(EventKind.FAILED, message=self._fail.pop(0))
            return
        self.states[prompt_id] = "succeeded"
        yield EngineEvent(EventKind.SUCCEEDED, outputs=(self._output(prompt_id),))

    def _output(self, prompt_id: str) -> OutputFile:
        return self._outputs.setdefault(prompt_id, OutputFile(node="9", filename=f"{prompt_id[:8]}_00001_.png"))

    async def status(self, prompt_id: str) -> PromptStatus:
        state = self.states.get(prompt_id, "unknown")
        outputs = (self._output(prompt_id),) if state == "succeeded" else ()
        return PromptStatus(state=PromptState(state), outputs=outputs)

    async def fetch(self, output: OutputFile) -> bytes:
        self.timeline.append(("fetched", output.filename))
        if self.missing_files:
            raise EngineUnavailable(f"GET /view?filename={output.filename} answered 404")
        if output.filename.endswith(".safetensors"):
            return b"\x08\x00\x00\x00\x00\x00\x00\x00{}      "
        return png()

    async def cancel(self, prompt_id: str) -> None:
        self.cancelled.add(prompt_id)

    async def close(self) -> None:
        pass


class RecordingNotifier:
    """Keeps every notice, and lets a test wait for one."""

    def __init__(self) -> None:
        self.notices: list[tuple[dict, Notice]] = []
        self._changed = asyncio.Condition()

    async def notify(self, origin: dict, notice: Notice) -> None:
        async with self._changed:
            self.notices.append((origin, notice))
            self._changed.notify_all()

    def kinds(self, job_id: str) -> list[str]:
        return [n.kind for _, n in self.notices if n.job and n.job.id == job_id]

    async def wait_for(self, job_id: str, kind: str, timeout: float = 5.0) -> Notice:
        return await self._first(lambda notice: notice.job is not None and notice.job.id == job_id
                                 and notice.kind == kind, timeout,
                                 lambda: f"no '{kind}' notice for job {job_id}; saw {self.kinds(job_id)}")

    async def wait_for_text(self, words: str, timeout: float = 5.0) -> Notice:
        """The first notice without a job whose text holds `words`."""
        return await self._first(lambda notice: notice.job is None and words in notice.text, timeout,
                                 lambda: f"no notice saying {words!r}; saw {[n.text for _, n in self.notices]}")

    async def _first(self, matches, timeout: float, failure) -> Notice:
        """The first notice that `matches`, waiting up to `timeout` seconds; AssertionError(`failure()`) after."""
        async def seen():
            async with self._changed:
                while True:
                    found = next((notice for _, notice in self.notices if matches(notice)), None)
                    if found is not None:
                        return found
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(seen(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(failure()) from None
