"""How a node type is declared here, and its /object_info entry as ComfyUI's server.py renders it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .env import Env


def resolve(value: Any, env: Env) -> Any:
    """Replace the callables standing for live combo lists (model files, input files) by their lists."""
    if callable(value):
        return value(env)
    if isinstance(value, dict):
        return {k: resolve(v, env) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(resolve(v, env) for v in value)
    return value


@dataclass(frozen=True)
class NodeSpec:
    """One class_type: its inputs (ComfyUI's INPUT_TYPES), outputs and the coroutine that runs it.

    `run(ctx, **inputs)` returns `(outputs_tuple, ui_dict_or_None)`. `validate(env, **values)` is
    the node's VALIDATE_INPUTS (True or an error text); inputs named in `validate_args` skip the
    generic combo and bounds checks, as in ComfyUI. `v3` nodes render their /object_info the way
    comfy_api's io.ComfyNode does (combos as `["COMBO", {"options": [...]}]`).
    """

    name: str
    display_name: str
    category: str
    run: Callable
    required: dict = field(default_factory=dict)
    optional: dict = field(default_factory=dict)
    hidden: dict = field(default_factory=dict)
    outputs: tuple = ()
    output_names: tuple | None = None
    output_tooltips: tuple | None = None
    output_node: bool = False
    description: str = ""
    python_module: str = "nodes"
    experimental: bool = False
    v3: bool = False
    validate: Callable | None = None
    validate_args: tuple = ()

    def input_types(self, env: Env) -> dict:
        types = {"required": resolve(self.required, env)}
        if self.optional:
            types["optional"] = resolve(self.optional, env)
        if self.hidden:
            types["hidden"] = dict(self.hidden)
        return types

    def info(self, env: Env) -> dict:
        inputs = self.input_types(env)
        info = {
            "input": inputs,
            "input_order": {section: list(names) for section, names in inputs.items()},
            "output": list(self.outputs),
            "output_is_list": [False] * len(self.outputs),
            "output_name": list(self.output_names or self.outputs),
        }
        if self.v3:
            info["output_tooltips"] = list(self.output_tooltips or [None] * len(self.outputs))
        info.update(name=self.name, display_name=self.display_name, description=self.description,
                    python_module=self.python_module, category=self.category, output_node=self.output_node)
        if self.v3:
            info.update(deprecated=False, experimental=self.experimental, api_node=False)
            return info
        if self.output_tooltips:
            info["output_tooltips"] = list(self.output_tooltips)
        if self.experimental:
            info["experimental"] = True
        return info


def input_info(types: dict, name: str) -> tuple[Any, str | None, dict]:
    """ComfyUI's get_input_info for a widget or socket: (type, "required"|"optional", extra options)."""
    for section in ("required", "optional"):
        if name in types.get(section, {}):
            declared = types[section][name]
            return declared[0], section, declared[1] if len(declared) > 1 else {}
    return None, None, {}


def v3_combo(options: Callable | list, **extra) -> tuple:
    """A combo as comfy_api's io.Combo.Input declares it."""
    return ("COMBO", {**extra, "multiselect": False, "options": options})
