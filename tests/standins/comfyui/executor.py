"""The single worker: runs queued prompts one at a time, narrates them over the websocket, writes history."""
from __future__ import annotations

import asyncio
import sys
import time
import traceback

from .catalog import RUNNABLE, LiveInfo
from .context import InterruptProcessingException, NodeContext
from .env import Env
from .graph import ExecutionOrder, is_link
from .hub import Hub
from .previews import PreviewPace, frame, labelled
from .prompt_queue import PromptQueue
from .script import Script
from .validate_inputs import full_type_name

HIDDEN_VALUES = {"PROMPT": lambda run: run.graph, "EXTRA_PNGINFO": lambda run: run.extra_data.get("extra_pnginfo")}


def format_value(x):
    return x if x is None or isinstance(x, (int, float, bool, str)) else str(x)


async def prompt_worker(state: PromptQueue, hub: Hub, env: Env, script: Script) -> None:
    """main.prompt_worker: execute, write history, then `executing {node: None}` last."""
    while True:
        (number, prompt_id, graph, extra_data, outputs), item_id = await state.get()
        run = _Run(state, hub, env, script, prompt_id, graph, extra_data)
        success = await run.execute(outputs)
        status = {"status_str": "success" if success else "error", "completed": success, "messages": run.messages}
        state.task_done(item_id, {"outputs": run.ui_outputs, "meta": run.meta}, status)
        if run.client_id is not None:
            hub.send_sync("executing", {"node": None, "prompt_id": prompt_id}, run.client_id)


class _Run:
    """One prompt's execution (execution.PromptExecutor.execute_async)."""

    def __init__(self, state, hub, env, script, prompt_id, graph, extra_data):
        self.state, self.hub, self.env, self.script = state, hub, env, script
        self.prompt_id, self.graph, self.extra_data = prompt_id, graph, extra_data
        self.client_id = extra_data.get("client_id")
        self.messages, self.executed, self.results = [], [], {}
        self.ui_outputs, self.meta, self.progress_nodes = {}, {}, {}
        self.info = LiveInfo(env)
        self.preview_pace = PreviewPace()

    def add_message(self, event: str, data: dict, broadcast: bool = False) -> None:
        data = {**data, "timestamp": int(time.time() * 1000)}
        self.messages.append([event, data])
        if self.client_id is not None or broadcast:
            self.hub.send_sync(event, data, self.client_id)

    def to_client(self, event: str, data: dict) -> None:
        if self.client_id is not None:
            self.hub.send_sync(event, data, self.client_id)

    def progress_state(self, node_id: str, value: float, maximum: float, state: str) -> None:
        """Sent to the client, or to everyone when the prompt has no client_id (as ComfyUI does)."""
        self.progress_nodes[node_id] = {"value": value, "max": maximum, "state": state, "node_id": node_id,
                                        "prompt_id": self.prompt_id, "display_node_id": node_id,
                                        "parent_node_id": None, "real_node_id": node_id}
        nodes = dict(self.progress_nodes)
        self.hub.send_sync("progress_state", {"prompt_id": self.prompt_id, "nodes": nodes}, self.client_id)

    def report(self, node_id: str, value: int, total: int, preview: bool = False) -> None:
        """progress_state and progress; a preview frame between them for a client that reads metadata (as the
        progress registry sends it), after them otherwise (as the legacy progress hook does)."""
        self.progress_state(node_id, value, total, "running")
        frame = self.preview_frame(node_id, value, total) if preview else None
        with_metadata = self.client_id in self.hub.metadata_clients
        if frame and with_metadata:
            self.hub.send_sync("", frame, self.client_id)
        self.hub.send_sync("progress", {"value": value, "max": total, "prompt_id": self.prompt_id, "node": node_id},
                           self.client_id)
        if frame and not with_metadata:
            self.hub.send_sync("", frame, self.client_id)

    def preview_frame(self, node_id: str, value: int, total: int) -> bytes | None:
        """For the prompt's client only, with metadata if it announced supports_preview_metadata; None when the
        worker has no preview method or the last one was too recent."""
        if self.client_id is None or not self.preview_pace.due(self.script.preview_rate):
            return None
        image = labelled(self.prompt_id, value, total)
        return frame(self.prompt_id, node_id, image, self.client_id in self.hub.metadata_clients)

    async def execute(self, outputs: list[str]) -> bool:
        self.state.interrupted.clear()
        self.state.client_id = self.client_id
        self.add_message("execution_start", {"prompt_id": self.prompt_id})
        self.add_message("execution_cached", {"nodes": [], "prompt_id": self.prompt_id})
        order = ExecutionOrder(self.graph, outputs, lambda n: self.info[self.graph[n]["class_type"]]["output_node"])
        try:
            while (node_id := order.next()) is not None:
                if not await self.run_node(node_id):
                    return False
                order.done(node_id)
        finally:
            self.state.last_node_id = None
        self.add_message("execution_success", {"prompt_id": self.prompt_id})
        return True

    async def run_node(self, node_id: str) -> bool:
        """Run one node; on failure record execution_error / execution_interrupted and answer False."""
        class_type = self.graph[node_id]["class_type"]
        spec, kwargs = RUNNABLE.get(class_type), {}
        self.progress_state(node_id, 0.0, 1.0, "running")
        try:
            if spec is None:
                raise NotImplementedError(f"the ComfyUI stand-in cannot execute {class_type} (only validate it)")
            kwargs = self.gather_inputs(node_id, spec)
            self.state.last_node_id = node_id
            self.to_client("executing", {"node": node_id, "display_node": node_id, "prompt_id": self.prompt_id})
            ctx = NodeContext(self.env, self.script, node_id, self.state.interrupted, self.report)
            ctx.check_interrupt()
            await asyncio.sleep(self.script.node_delay)
            if class_type in self.script.hanging_nodes:
                await ctx.hang()
            if class_type in self.script.failing_nodes:
                raise RuntimeError(self.script.failing_nodes[class_type])
            if class_type in self.script.failing_once:
                raise RuntimeError(self.script.failing_once.pop(class_type))
            self.results[node_id], ui = await self.map_over_lists(ctx, spec, class_type, kwargs)
        except InterruptProcessingException:
            self.add_message("execution_interrupted", {
                "prompt_id": self.prompt_id, "node_id": node_id, "node_type": class_type,
                "executed": list(self.executed)}, broadcast=True)
            return False
        except Exception as ex:
            self.add_message("execution_error", {
                "prompt_id": self.prompt_id, "node_id": node_id, "node_type": class_type,
                "executed": list(self.executed), "exception_message": f"{ex}\n",
                "exception_type": full_type_name(type(ex)), "traceback": traceback.format_tb(sys.exc_info()[2]),
                "current_inputs": {k: [format_value(v) for v in values] for k, values in kwargs.items()},
                "current_outputs": []})
            return False
        if ui:
            self.ui_outputs[node_id] = ui
            self.meta[node_id] = {"node_id": node_id, "display_node": node_id, "parent_node": None,
                                  "real_node_id": node_id}
            self.to_client("executed", {"node": node_id, "display_node": node_id, "output": ui,
                                        "prompt_id": self.prompt_id})
        done = self.progress_nodes[node_id]["max"]
        self.progress_state(node_id, done, done, "finished")
        self.executed.append(node_id)
        return True

    def gather_inputs(self, node_id: str, spec) -> dict:
        """get_input_data: declared inputs only, each as a list (a link gives its source's list), hidden values added."""
        given, declared, kwargs = self.graph[node_id]["inputs"], self.info[spec.name]["input"], {}
        for name in [*declared.get("required", {}), *declared.get("optional", {})]:
            if name in given:
                value = given[name]
                kwargs[name] = self.results[value[0]][value[1]] if is_link(value) else [value]
        for name, kind in spec.hidden.items():
            kwargs[name] = [HIDDEN_VALUES[kind](self)]
        return kwargs

    async def map_over_lists(self, ctx, spec, class_type: str, kwargs: dict) -> tuple[list, dict | None]:
        """_map_node_over_list: one call per element of the longest input list (or one with the lists), outputs
        gathered per slot into lists (a list output's items are spliced in); UI outputs merged."""
        if spec.input_is_list:
            calls = [kwargs]
        else:
            length = max((len(v) for v in kwargs.values()), default=1)
            calls = [{k: v[min(i, len(v) - 1)] for k, v in kwargs.items() if v} for i in range(length)]
        is_list = self.info[class_type]["output_is_list"]
        results, ui = [[] for _ in is_list], {}
        for call in calls:
            outputs, shown = await spec.run(ctx, **call)
            for slot, value in enumerate(outputs):
                results[slot].extend(value) if is_list[slot] else results[slot].append(value)
            for key, items in (shown or {}).items():
                ui.setdefault(key, []).extend(items)
        return results, ui or None
