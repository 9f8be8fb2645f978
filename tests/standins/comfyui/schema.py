"""How the stand-in executes a node type; its inputs, outputs and flags come from the recorded /object_info."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class NodeRun:
    """One class_type the stand-in can execute.

    `run(ctx, **inputs)` returns `(outputs_tuple, ui_dict_or_None)`. Like ComfyUI, the executor calls it
    once per element when linked inputs are lists, unless `input_is_list` (then every input arrives as
    a list). `validate(env, **values)` is the node's VALIDATE_INPUTS (True or an error text); inputs
    named in `validate_args` skip the generic combo and bounds checks, as in ComfyUI. `hidden` maps
    argument names to PROMPT / EXTRA_PNGINFO.
    """

    name: str
    run: Callable
    hidden: dict = field(default_factory=dict)
    input_is_list: bool = False
    validate: Callable | None = None
    validate_args: tuple = ()


def input_info(types: dict, name: str) -> tuple[Any, str | None, dict]:
    """ComfyUI's get_input_info for a widget or socket: (type, "required"|"optional", extra options)."""
    for section in ("required", "optional"):
        if name in (types.get(section) or {}):
            declared = types[section][name]
            return declared[0], section, declared[1] if len(declared) > 1 else {}
    return None, None, {}
