"""The node catalogue a real ComfyUI 0.8.0 answered (recordings/), with this stand-in's model and input lists in it,
plus the custom node packs a test installs (packs/: declared from each pack's source, not recorded)."""
from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

from .env import Env

RECORDINGS = Path(__file__).parent / "recordings"
PACKS = Path(__file__).parent / "packs"
# What the recorded server listed (see recordings/README.md), replaced by what this stand-in has.
LIVE_LISTS = (
    (["st_random_sd15.safetensors"], lambda env: env.model_list("checkpoints")),
    (["st_record_4_steps_00001_.safetensors"], lambda env: env.model_list("loras")),
    (["st_record.png", "st_tiny.png"], lambda env: env.input_images()),
    (["3d", "st_record_dataset"], lambda env: env.input_subfolders()),
    (["st_llm.gguf"], lambda env: env.model_list("llm_gguf")),  # packs/searge_llm.json
)
UPSCALE_MODELS = ("UpscaleModelLoader", "model_name")  # recorded with none installed


@functools.cache
def recording(name: str) -> dict:
    return json.loads((RECORDINGS / name).read_text())


@functools.cache
def pack(name: str) -> dict:
    """A custom node pack's declaration: {"pack": {name, url, source}, "nodes": {class: object_info entry}}."""
    return json.loads((PACKS / f"{name}.json").read_text())


def pack_names() -> list[str]:
    return sorted(path.stem for path in PACKS.glob("*.json"))


def known(env: Env) -> dict:
    """Every node type this stand-in has: ComfyUI's recorded core, then the packs installed on it."""
    recorded = recording("object_info.json")
    return {**recorded, **{n: i for name in env.packs for n, i in pack(name)["nodes"].items()}} if env.packs \
        else recorded


def object_info(env: Env, class_type: str | None = None) -> dict:
    """GET /object_info (every class) or /object_info/{class} (that one, or {} when unknown)."""
    recorded = known(env)
    names = recorded if class_type is None else [class_type] if class_type in recorded else []
    info = {name: copy.deepcopy(recorded[name]) for name in names}
    for name, node in info.items():
        for section in ("required", "optional"):
            for input_name, declared in (node["input"].get(section) or {}).items():
                _make_live(env, (name, input_name), declared)
    return info


def _make_live(env: Env, where: tuple[str, str], declared: list) -> None:
    options = declared[0] if isinstance(declared[0], list) else (
        declared[1].get("options") if declared[0] == "COMBO" and len(declared) > 1 else None)
    if not isinstance(options, list):
        return
    live = env.model_list("upscale_models") if where == UPSCALE_MODELS else None
    for recorded, listing in LIVE_LISTS:
        if options[:len(recorded)] == recorded:
            live = listing(env) + options[len(recorded):]
    if live is not None:
        options[:] = live


class LiveInfo:
    """`object_info(env)` one class at a time, each worked out on first use (a prompt touches a few of ~700)."""

    def __init__(self, env: Env):
        self.env, self._classes = env, {}

    def __contains__(self, class_type: object) -> bool:
        return class_type in known(self.env)

    def __getitem__(self, class_type: str) -> dict:
        if class_type not in self._classes:
            self._classes[class_type] = object_info(self.env, class_type)[class_type]
        return self._classes[class_type]
