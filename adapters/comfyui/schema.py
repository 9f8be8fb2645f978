"""ComfyUI input specs from /object_info: combo options, numeric bounds, and whether a value fits."""
from __future__ import annotations

MAX_LISTED = 10


def input_spec(info: dict, class_type: str, name: str) -> list | None:
    """The `[type_or_options, {extra}]` declaration of a node class's required or optional input."""
    inputs = info.get(class_type, {}).get("input", {})
    for section in ("required", "optional"):
        declared = (inputs.get(section) or {}).get(name)
        if isinstance(declared, (list, tuple)) and declared:
            return list(declared)
    return None


def combo_options(declared) -> list | None:
    """The allowed values of a combo, in the classic `[[...], {}]` or the v3 `["COMBO", {options}]` form."""
    if not isinstance(declared, (list, tuple)) or not declared:
        return None
    if isinstance(declared[0], list):
        return declared[0]
    if declared[0] == "COMBO" and len(declared) > 1 and isinstance(declared[1], dict):
        return list(declared[1].get("options") or [])
    return None


def value_problem(declared: list, name: str, value: object) -> str | None:
    """Why ComfyUI would refuse `value` for this input, or None. Combos filled by uploads are not judged."""
    extra = declared[1] if len(declared) > 1 and isinstance(declared[1], dict) else {}
    options = combo_options(declared)
    if options is not None:
        if name == "folder" or any("upload" in key for key in extra):
            return None
        return None if value in options else f"{value!r} is not available; {describe_options(options)}"
    if declared[0] in ("INT", "FLOAT") and isinstance(value, (int, float)) and not isinstance(value, bool):
        if "min" in extra and value < extra["min"]:
            return f"Value {value} smaller than min of {extra['min']}"
        if "max" in extra and value > extra["max"]:
            return f"Value {value} bigger than max of {extra['max']}"
    return None


def describe_options(options: list) -> str:
    if not options:
        return "none are installed on this worker"
    shown = ", ".join(str(o) for o in options[:MAX_LISTED])
    return f"allowed: {shown}" + (f" and {len(options) - MAX_LISTED} more" if len(options) > MAX_LISTED else "")
