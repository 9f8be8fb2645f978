"""ComfyUI's /object_info, cached: the model names a worker offers and the problems a graph would meet."""
from __future__ import annotations

import time

from adapters.comfyui.graph_check import graph_problems
from adapters.comfyui.http import ComfyUIHttp
from adapters.comfyui.schema import combo_options, input_spec
from ports.engine import EngineUnavailable, GraphProblem

MODEL_INPUTS = {
    "checkpoints": ("CheckpointLoaderSimple", "ckpt_name"),
    "loras": ("LoraLoader", "lora_name"),
    "upscale_models": ("UpscaleModelLoader", "model_name"),
}


class ObjectInfo:
    """The node catalogue of one worker, re-read when older than `max_age` seconds or when a check fails."""

    def __init__(self, http: ComfyUIHttp, max_age: float = 60.0):
        self._http, self.max_age = http, max_age
        self._info: dict | None = None
        self._read_at = 0.0

    async def get(self, fresh: bool = False) -> dict:
        if fresh or self._info is None or time.monotonic() - self._read_at > self.max_age:
            info = await self._http.get_json("/object_info")
            if not all(isinstance(spec, dict) and isinstance(spec.get("input", {}), dict) for spec in info.values()):
                raise EngineUnavailable(f"ComfyUI at {self._http.url} answered /object_info with a wrong shape")
            self._info, self._read_at = info, time.monotonic()
        return self._info

    async def choices(self, kind: str, fresh: bool = False) -> list[str]:
        if kind not in MODEL_INPUTS:
            raise ValueError(f"unknown model kind '{kind}'; known: {', '.join(MODEL_INPUTS)}")
        class_type, name = MODEL_INPUTS[kind]
        return [str(o) for o in combo_options(input_spec(await self.get(fresh), class_type, name)) or ()]

    async def check(self, graph: dict) -> list[GraphProblem]:
        problems = graph_problems(graph, await self.get())
        if problems:  # a model or node may have been installed since the cached answer
            problems = graph_problems(graph, await self.get(fresh=True))
        return problems

    def forget(self) -> None:
        """Read the catalogue again next time (a model file was just delivered)."""
        self._info = None
