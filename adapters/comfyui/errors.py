"""ComfyUI's 400 answer to POST /prompt turned into one sentence naming the node's parameter at fault."""
from __future__ import annotations

from adapters.comfyui.schema import combo_options, describe_options


def rejection_message(body: dict) -> str:
    """E.g. "KSampler steps: Value 0 smaller than min of 1" or the top-level error when no node is named."""
    sentences = []
    node_errors = body.get("node_errors")
    for node_id, node in sorted(node_errors.items()) if isinstance(node_errors, dict) else ():
        if not isinstance(node, dict):
            continue
        for error in node.get("errors") or ():
            if isinstance(error, dict):
                sentences.append(_input_error(node.get("class_type") or f"node {node_id}", error))
    if sentences:
        return "; ".join(dict.fromkeys(sentences))
    error = body.get("error")
    if isinstance(error, dict):
        message, details = str(error.get("message") or "").strip(), str(error.get("details") or "").strip()
        return f"{message} ({details})" if message and details and details not in message else message or details
    return "ComfyUI refused the workflow without saying why"


def _input_error(class_type: str, error: dict) -> str:
    extra: dict = error["extra_info"] if isinstance(error.get("extra_info"), dict) else {}
    name = extra.get("input_name") or error.get("details") or "input"
    kind, message, details = error.get("type"), str(error.get("message") or ""), str(error.get("details") or "")
    if kind == "required_input_missing":
        return f"{class_type}: the required input '{name}' is missing"
    if kind == "value_not_in_list":
        offered = combo_options(extra.get("input_config"))
        value = extra.get("received_value", details.split(": ", 1)[-1])
        if offered is None:
            return f"{class_type} {name}: {details.removeprefix(f'{name}: ') or message}"
        return f"{class_type} {name}: {value!r} is not available; {describe_options(offered)}"
    if kind == "custom_validation_failed" and details:
        return f"{class_type} {name}: {details.removeprefix(f'{name} - ')}"
    if details and details != name and details not in message:
        return f"{class_type} {name}: {message} ({details})"
    return f"{class_type} {name}: {message}"
