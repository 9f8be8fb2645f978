"""ComfyUI's /object_info, cached: the model names a worker offers and the problems a graph would meet."""
from __future__ import annotations

import time

from adapters.comfyui.http import ComfyUIHttp
from adapters.comfyui.schema import combo_options, input_spec, value_problem
from ports.engine import EngineUnavailable

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

    async def choices(self, kind: str) -> list[str]:
        if kind not in MODEL_INPUTS:
            raise ValueError(f"unknown model kind '{kind}'; known: {', '.join(MODEL_INPUTS)}")
        class_type, name = MODEL_INPUTS[kind]
        return [str(o) for o in combo_options(input_spec(await self.get(), class_type, name)) or ()]

    async def check(self, graph: dict) -> list[str]:
        problems = graph_problems(graph, await self.get())
        if problems:  # a model or node may have been installed since the cached answer
            problems = graph_problems(graph, await self.get(fresh=True))
        return problems


def graph_problems(graph: dict, info: dict) -> list[str]:
    """Unknown node types, and literal inputs the worker would refuse (models, samplers, bounds)."""
    problems = []
    for node_id, node in graph.items():
        class_type = node.get("class_type")
        if class_type not in info:
            problems.append(f"node {node_id}: this worker has no node type '{class_type}' (a missing custom node?)")
            continue
        for name, value in (node.get("inputs") or {}).items():
            declared = input_spec(info, class_type, name)
            problem = None if isinstance(value, list) or declared is None else value_problem(declared, name, value)
            if problem:
                problems.append(f"{class_type} {name}: {problem}")
    return problems
