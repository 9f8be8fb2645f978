"""ComfyUI's /history and /queue answers read into PromptStatus and OutputFile; wrong shapes are refused."""
from __future__ import annotations

from ports.engine import EngineUnavailable, Output, OutputFile, OutputText, PromptState, PromptStatus


def entry_status(prompt_id: str, entry: object) -> PromptStatus:
    """A finished prompt's history entry: succeeded with its files, failed with the node named, or cancelled."""
    if not isinstance(entry, dict) or not isinstance(entry.get("status", {}), dict):
        raise EngineUnavailable(f"ComfyUI's history entry for {prompt_id} is not shaped as expected")
    status = entry.get("status", {})
    if status.get("status_str", "success") == "success":
        return PromptStatus(PromptState.SUCCEEDED, outputs=outputs_of(prompt_id, entry.get("outputs", {})))
    messages = status.get("messages") if isinstance(status.get("messages"), list) else []
    for message in reversed(messages):
        if isinstance(message, list) and len(message) == 2 and isinstance(message[1], dict):
            if message[0] == "execution_error":
                return PromptStatus(PromptState.FAILED, message=failure_message(message[1]))
            if message[0] == "execution_interrupted":
                return PromptStatus(PromptState.CANCELLED, message=interruption_message(message[1]))
    return PromptStatus(PromptState.FAILED, message="ComfyUI reported an error without details")


def outputs_of(prompt_id: str, outputs: object) -> tuple[Output, ...]:
    """Every file a node's UI output names (images, animations, videos...) and every text it shows
    (PreviewAny's `{"text": [...]}`), in node order."""
    if not isinstance(outputs, dict):
        raise EngineUnavailable(f"ComfyUI's outputs for {prompt_id} are not shaped as expected")
    found: list[Output] = []
    for node, ui in outputs.items():
        for key, items in ui.items() if isinstance(ui, dict) else ():
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict) and isinstance(item.get("filename"), str):
                    found.append(OutputFile(node=str(node), filename=item["filename"],
                                            subfolder=str(item.get("subfolder") or ""),
                                            type=str(item.get("type") or "output")))
                elif key == "text" and isinstance(item, str):
                    found.append(OutputText(node=str(node), text=item))
    return tuple(found)


def queue_state(prompt_id: str, queue: dict) -> PromptState | None:
    """Where the prompt is in a GET /queue answer: "running", "queued" or None."""
    running, pending = _queue_lists(queue)
    for items, state in ((running, PromptState.RUNNING), (pending, PromptState.QUEUED)):
        if any(isinstance(item, list) and len(item) > 1 and item[1] == prompt_id for item in items):
            return state
    return None


def queue_length(queue: dict) -> int:
    running, pending = _queue_lists(queue)
    return len(running) + len(pending)


def _queue_lists(queue: dict) -> tuple[list, list]:
    running, pending = queue.get("queue_running"), queue.get("queue_pending")
    if not isinstance(running, list) or not isinstance(pending, list):
        raise EngineUnavailable("ComfyUI's queue answer lacks the lists queue_running and queue_pending")
    return running, pending


def failure_message(data: dict) -> str:
    """From an execution_error: "node 3 (KSampler) failed: <exception message>"."""
    reason = str(data.get("exception_message") or data.get("exception_type") or "unknown error").strip()
    return f"node {data.get('node_id')} ({data.get('node_type')}) failed: {reason}"


def interruption_message(data: dict) -> str:
    return f"interrupted at node {data.get('node_id')} ({data.get('node_type')})"
