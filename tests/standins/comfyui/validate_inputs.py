"""Per-node input checks (links, bounds, combos, VALIDATE_INPUTS), ported from execution.validate_inputs."""
from __future__ import annotations

import sys
import traceback

from .catalog import RUNNABLE, LiveInfo
from .env import Env
from .schema import input_info

CONVERT = {"INT": int, "FLOAT": float, "STRING": str, "BOOLEAN": bool}


def full_type_name(klass: type) -> str:
    return klass.__qualname__ if klass.__module__ == "builtins" else f"{klass.__module__}.{klass.__qualname__}"


def types_match(received, expected) -> bool:
    """execution.validate_node_input without strict mode: "*" matches all, comma lists are unions."""
    if received == expected:
        return True
    if not isinstance(received, str) or not isinstance(expected, str):
        return False
    got, want = {t.strip() for t in received.split(",")}, {t.strip() for t in expected.split(",")}
    return "*" in got or "*" in want or got.issubset(want)


def issue(kind: str, message: str, details: str, **extra) -> dict:
    return {"type": kind, "message": message, "details": details, "extra_info": extra}


def trace() -> list[str]:
    return traceback.format_tb(sys.exc_info()[2])


class Validator:
    """validate_inputs with its memo: node id -> (valid, errors, node id)."""

    def __init__(self, env: Env, prompt: dict, info: LiveInfo):
        self.env, self.prompt, self.info, self.validated = env, prompt, info, {}

    def inputs(self, unique_id: str) -> tuple[bool, list, str]:
        if unique_id in self.validated:
            return self.validated[unique_id]
        class_type = self.prompt[unique_id]["class_type"]
        inputs, types, run = self.prompt[unique_id]["inputs"], self.info[class_type]["input"], RUNNABLE.get(class_type)
        validate_args = run.validate_args if run is not None and run.validate is not None else ()
        errors, upstream_ok = [], True
        for x in [*types.get("required", {}), *types.get("optional", {})]:
            input_type, category, extra = input_info(types, x)
            if x not in inputs:
                if category == "required":
                    errors.append(issue("required_input_missing", "Required input is missing", x, input_name=x))
            elif isinstance(inputs[x], list):
                upstream_ok = self._link(x, inputs[x], [input_type, extra], errors) and upstream_ok
            else:
                self._value(x, inputs, [input_type, extra], x in validate_args, errors)
        if validate_args and all(x in inputs for x in validate_args):
            result = run.validate(self.env, **{x: inputs[x] for x in validate_args})
            for x in validate_args if result is not True else ():
                details = x if result is False else f"{x} - {result}"
                errors.append(issue("custom_validation_failed", "Custom validation failed for node", details,
                                    input_name=x))
        self.validated[unique_id] = (not errors and upstream_ok, errors, unique_id)
        return self.validated[unique_id]

    def _link(self, x: str, val: list, info: list, errors: list) -> bool:
        """Check a `[node_id, output_index]` input and, recursively, the node it comes from."""
        if len(val) != 2:
            message = "Bad linked input, must be a length-2 list of [node_id, slot_index]"
            errors.append(issue("bad_linked_input", message, x, input_name=x, input_config=info, received_value=val))
            return True
        o_id = val[0]
        received = self.info[self.prompt[o_id]["class_type"]]["output"][val[1]]  # KeyError for a missing node
        if not types_match(received, info[0]):
            errors.append(issue("return_type_mismatch", "Return type mismatch between linked nodes",
                                f"{x}, received_type({received}) mismatch input_type({info[0]})",
                                input_name=x, input_config=info, received_type=received, linked_node=val))
            return True
        try:
            return self.inputs(o_id)[0] is not False
        except Exception as ex:
            self.validated[o_id] = (False, [issue(
                "exception_during_inner_validation", "Exception when validating inner node", str(ex),
                input_name=x, input_config=info, exception_message=str(ex), exception_type=full_type_name(type(ex)),
                traceback=trace(), linked_node=val)], o_id)
            return False

    def _value(self, x: str, inputs: dict, info: list, custom: bool, errors: list) -> None:
        """Convert a widget value in place, then check its bounds and combo list (unless VALIDATE_INPUTS does)."""
        input_type, extra = info
        val = inputs[x]
        if isinstance(val, dict) and "__value__" in val:
            val = inputs[x] = val["__value__"]
        if isinstance(input_type, str) and input_type in CONVERT:
            try:
                val = inputs[x] = CONVERT[input_type](val)
            except Exception as ex:
                message = f"Failed to convert an input value to a {input_type} value"
                errors.append(issue("invalid_input_type", message, f"{x}, {val}, {ex}", input_name=x,
                                    input_config=info, received_value=val, exception_message=str(ex)))
                return
        if custom:
            return
        if "min" in extra and val < extra["min"]:
            errors.append(issue("value_smaller_than_min", f"Value {val} smaller than min of {extra['min']}", x,
                                input_name=x, input_config=info, received_value=val))
        elif "max" in extra and val > extra["max"]:
            errors.append(issue("value_bigger_than_max", f"Value {val} bigger than max of {extra['max']}", x,
                                input_name=x, input_config=info, received_value=val))
        elif (options := input_type if isinstance(input_type, list) else
              extra.get("options", []) if input_type == "COMBO" else None) is not None and val not in options:
            too_long = len(options) > 20
            listing = f"(list of length {len(options)})" if too_long else str(options)
            errors.append(issue("value_not_in_list", "Value not in list", f"{x}: '{val}' not in {listing}",
                                input_name=x, input_config=None if too_long else info, received_value=val))
