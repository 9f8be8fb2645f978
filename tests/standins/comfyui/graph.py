"""Which nodes a prompt runs and in what order, picked the way ComfyUI's ExecutionList does."""
from __future__ import annotations

from typing import Callable


def is_link(value) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], int)


class ExecutionOrder:
    """The nodes the output nodes depend on, handed out one at a time once their inputs are done."""

    def __init__(self, graph: dict, outputs: list[str], is_output: Callable[[str], bool]):
        self.is_output = is_output
        self.waiting_on: dict[str, set[str]] = {}
        self.blocking: dict[str, set[str]] = {}
        for node_id in outputs:
            self._add(graph, node_id)

    def _add(self, graph: dict, node_id: str) -> None:
        """TopologicalSort.add_node: a stack, so the last input's source is taken (and becomes ready) first."""
        stack, links = [node_id], []
        while stack:
            current = stack.pop()
            if current in self.waiting_on:
                continue
            self.waiting_on[current] = set()
            self.blocking.setdefault(current, set())
            for value in graph[current]["inputs"].values():
                if is_link(value):
                    links.append((value[0], current))
                    stack.append(value[0])
        for source, target in links:
            self.waiting_on[target].add(source)
            self.blocking.setdefault(source, set()).add(target)

    def next(self) -> str | None:
        """ux_friendly_pick_node: outputs first, then nodes feeding an output (directly, or one step away)."""
        ready = [n for n, deps in self.waiting_on.items() if not deps]
        if not ready:
            return None
        for candidate in ready:
            if self.is_output(candidate):
                return candidate
        for candidate in ready:
            if any(self.is_output(b) for b in self.blocking[candidate]):
                return candidate
        for candidate in ready:
            if any(self.is_output(c) for b in self.blocking[candidate] for c in self.blocking[b]):
                return candidate
        return ready[0]

    def done(self, node_id: str) -> None:
        del self.waiting_on[node_id]
        for dependent in self.blocking[node_id]:
            self.waiting_on[dependent].discard(node_id)
