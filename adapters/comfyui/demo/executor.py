"""Runs queued prompts one at a time, node by node, narrating each over the websocket as ComfyUI does."""
from __future__ import annotations

import logging
import time
from typing import Any

from adapters.comfyui.demo.catalog import NODES
from adapters.comfyui.demo.context import Interrupted, RunContext
from adapters.comfyui.demo.files import DemoFiles
from adapters.comfyui.demo.prompts import Prompt, PromptQueue
from adapters.comfyui.demo.sockets import Sockets

log = logging.getLogger(__name__)


def is_link(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], int)


def execution_order(graph: dict[str, Any], outputs: list[str]) -> list[str]:
    """Every node the outputs need, each after the nodes it takes inputs from."""
    order: list[str] = []

    def visit(node_id: str) -> None:
        if node_id not in order:
            for value in graph[node_id]["inputs"].values():
                if is_link(value):
                    visit(value[0])
            order.append(node_id)

    for output in outputs:
        visit(output)
    return order


async def run_prompts(queue: PromptQueue, sockets: Sockets, files: DemoFiles, step_delay: float) -> None:
    while True:
        prompt = await queue.take()
        entry = await _Execution(prompt, queue, sockets, files, step_delay).run()
        queue.finish(prompt, entry)
        sockets.send("executing", {"node": None, "prompt_id": prompt.prompt_id}, prompt.client_id)


class _Execution:
    def __init__(self, prompt: Prompt, queue: PromptQueue, sockets: Sockets, files: DemoFiles, step_delay: float):
        self.prompt, self.queue, self.sockets, self.files, self.step_delay = prompt, queue, sockets, files, step_delay
        self.messages: list[list[Any]] = []
        self.results: dict[str, tuple[Any, ...]] = {}
        self.ui: dict[str, dict[str, Any]] = {}
        self.done: list[str] = []

    def tell(self, kind: str, data: dict[str, Any], broadcast: bool = False) -> None:
        """To the prompt's client (or everyone), and into the history's messages."""
        data = {"prompt_id": self.prompt.prompt_id, **data, "timestamp": int(time.time() * 1000)}
        self.messages.append([kind, data])
        if self.prompt.client_id is not None or broadcast:
            self.sockets.send(kind, data, None if broadcast else self.prompt.client_id)

    def progress(self, node_id: str, value: int, total: int) -> None:
        self.sockets.send("progress", {"value": value, "max": total, "prompt_id": self.prompt.prompt_id,
                                       "node": node_id}, self.prompt.client_id)

    async def run(self) -> dict[str, Any]:
        self.tell("execution_start", {})
        self.tell("execution_cached", {"nodes": []})
        succeeded = True
        for node_id in execution_order(self.prompt.graph, self.prompt.outputs):
            if not await self.run_node(node_id):
                succeeded = False
                break
        else:
            self.tell("execution_success", {})
        meta = {n: {"node_id": n, "display_node": n, "parent_node": None, "real_node_id": n} for n in self.ui}
        return {"outputs": self.ui, "meta": meta, "status": {
            "status_str": "success" if succeeded else "error", "completed": succeeded, "messages": self.messages}}

    async def run_node(self, node_id: str) -> bool:
        node = self.prompt.graph[node_id]
        class_type, declared = node["class_type"], NODES[node["class_type"]]
        inputs = {name: self.results[value[0]][value[1]] if is_link(value) else value
                  for name, value in node["inputs"].items() if name in declared.inputs}
        self.sockets.send("executing", {"node": node_id, "display_node": node_id, "prompt_id": self.prompt.prompt_id},
                          self.prompt.client_id)
        context = RunContext(self.files, node_id, self.step_delay, self.queue.interrupted, self.progress)
        try:
            context.check()
            self.results[node_id], ui = await declared.run(context, **inputs)
        except Interrupted:
            self.tell("execution_interrupted", {"node_id": node_id, "node_type": class_type,
                                                "executed": list(self.done)}, broadcast=True)
            return False
        except Exception as error:  # any failure of a node is the prompt's execution_error, as in ComfyUI
            log.debug("demo worker: node %s (%s) failed", node_id, class_type, exc_info=True)
            self.tell("execution_error", {
                "node_id": node_id, "node_type": class_type, "executed": list(self.done),
                "exception_message": str(error), "exception_type": type(error).__name__, "traceback": [],
                "current_inputs": {}, "current_outputs": []})
            return False
        if ui:
            self.ui[node_id] = ui
            self.sockets.send("executed", {"node": node_id, "display_node": node_id, "output": ui,
                                           "prompt_id": self.prompt.prompt_id}, self.prompt.client_id)
        self.done.append(node_id)
        return True
