"""ComfyUI's PromptQueue: a priority heap, what runs now, the in-memory history and the interrupt flag."""
from __future__ import annotations

import asyncio
import copy
import heapq
from typing import Callable

MAXIMUM_HISTORY_SIZE = 10000
SENSITIVE_EXTRA_DATA_KEYS = ("auth_token_comfy_org", "api_key_comfy_org")


class PromptQueue:
    """Items are `(number, prompt_id, graph, extra_data, output_node_ids)`; lower numbers run first."""

    def __init__(self) -> None:
        self.on_change: Callable[[], None] = lambda: None
        self.number = 0
        self.queue: list[tuple] = []
        self.running: dict[int, tuple] = {}
        self.history: dict[str, dict] = {}
        self.task_counter = 0
        self.not_empty = asyncio.Event()
        self.interrupted = asyncio.Event()
        self.client_id: str | None = None
        self.last_node_id: str | None = None

    def info(self) -> dict:
        return {"exec_info": {"queue_remaining": len(self.queue) + len(self.running)}}

    def put(self, item: tuple) -> None:
        heapq.heappush(self.queue, item)
        self.on_change()
        self.not_empty.set()

    async def get(self) -> tuple[tuple, int]:
        while not self.queue:
            self.not_empty.clear()
            await self.not_empty.wait()
        item = heapq.heappop(self.queue)
        item_id, self.task_counter = self.task_counter, self.task_counter + 1
        self.running[item_id] = copy.deepcopy(item)
        self.on_change()
        return item, item_id

    def task_done(self, item_id: int, result: dict, status: dict) -> None:
        number, prompt_id, graph, extra_data, outputs = self.running.pop(item_id)
        if len(self.history) > MAXIMUM_HISTORY_SIZE:
            self.history.pop(next(iter(self.history)))
        extra_data = {k: v for k, v in extra_data.items() if k not in SENSITIVE_EXTRA_DATA_KEYS}
        self.history[prompt_id] = {"prompt": [number, prompt_id, graph, extra_data, outputs], "outputs": {},
                                   "status": status, **result}
        self.on_change()

    def current(self) -> tuple[list, list]:
        return list(self.running.values()), list(self.queue)

    def wipe_queue(self) -> None:
        self.queue = []
        self.on_change()

    def delete_queue_item(self, prompt_id: str) -> None:
        for index, item in enumerate(self.queue):
            if item[1] == prompt_id:
                self.queue.pop(index)
                heapq.heapify(self.queue)
                self.on_change()
                return

    def get_history(self, prompt_id: str | None = None, max_items: int | None = None, offset: int = -1) -> dict:
        if prompt_id is not None:
            return {prompt_id: copy.deepcopy(self.history[prompt_id])} if prompt_id in self.history else {}
        if offset < 0 and max_items is not None:
            offset = len(self.history) - max_items
        out = {}
        for index, key in enumerate(self.history):
            if index >= offset:
                out[key] = self.history[key]
                if max_items is not None and len(out) >= max_items:
                    break
        return out

    def interrupt(self, prompt_id: str | None = None) -> None:
        """POST /interrupt: everything, or only when `prompt_id` is the one running."""
        if not prompt_id or any(item[1] == prompt_id for item in self.running.values()):
            self.interrupted.set()
