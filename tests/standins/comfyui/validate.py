"""POST /prompt validation against the recorded node catalogue, ported from ComfyUI 0.8's execution.validate_prompt."""
from __future__ import annotations

from .catalog import LiveInfo
from .env import Env
from .validate_inputs import Validator, full_type_name, issue, trace


def _class_errors(prompt: dict, info: LiveInfo) -> dict | None:
    for x, node in prompt.items():
        if "class_type" not in node:
            return issue("invalid_prompt", "Cannot execute because a node is missing the class_type property.",
                         f"Node ID '#{x}'")
        if node["class_type"] not in info:
            return issue("invalid_prompt", f"Cannot execute because node {node['class_type']} does not exist.",
                         f"Node ID '#{x}'")
    return None


def validate_prompt(env: Env, prompt: dict, partial: list | None) -> tuple[bool, dict | None, list, dict]:
    """(ok, error, output node ids to run, node_errors) exactly as ComfyUI computes them."""
    info = LiveInfo(env)
    if (error := _class_errors(prompt, info)) is not None:
        return False, error, [], {}
    outputs = [x for x, node in prompt.items()
               if info[node["class_type"]]["output_node"] and (partial is None or x in partial)]
    if not outputs:
        return False, issue("prompt_no_outputs", "Prompt has no outputs", ""), [], {}
    checker, good, failed, node_errors = Validator(env, prompt, info), [], [], {}
    for o in outputs:
        try:
            valid, reasons, _ = checker.inputs(o)
        except Exception as ex:
            valid, reasons = False, [issue("exception_during_validation", "Exception when validating node",
                                           str(ex), exception_type=full_type_name(type(ex)), traceback=trace())]
            checker.validated[o] = (False, reasons, o)
        if valid:
            good.append(o)
            continue
        failed.append(reasons)
        for node_id, (ok, node_reasons, _) in checker.validated.items():
            if not ok and node_reasons:
                entry = node_errors.setdefault(node_id, {"errors": node_reasons, "dependent_outputs": [],
                                                         "class_type": prompt[node_id]["class_type"]})
                entry["dependent_outputs"].append(o)
    if not good:
        details = "\n".join(f"{e['message']}: {e['details']}" for reasons in failed for e in reasons)
        error = issue("prompt_outputs_failed_validation", "Prompt outputs failed validation", details)
        return False, error, [], node_errors
    return True, None, good, node_errors
