"""Fault knobs a test turns on the stand-in, what it has counted, and the garbage-answer middleware."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from aiohttp import web

GARBAGE_KINDS = ("non_json", "wrong_shape", "http_500", "ws_never_closes")
DEFAULT_SUBMIT_FAILURE = {
    "error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
              "details": "", "extra_info": {}},
    "node_errors": {},
}


@dataclass
class Script:
    """Latency and failures to inject; read by the routes, the executor and the nodes."""

    step_delay: float = 0.01
    node_delay: float = 0.0
    submit_failure: dict | None = None
    failing_nodes: dict[str, str] = field(default_factory=dict)
    failing_once: dict[str, str] = field(default_factory=dict)  # fails the node's next run only
    hanging_nodes: set[str] = field(default_factory=set)
    garbage: str | None = None
    extension_secret: str | None = None  # None: no StationThis extension; "": installed without a secret
    preview_rate: float | None = None  # preview frames a second while sampling; None: started without a preview method
    preview_metadata: bool = True  # False: an older ComfyUI, which sends type-1 frames (no prompt named) to all

    def take_submit_failure(self) -> dict | None:
        body, self.submit_failure = self.submit_failure, None
        return body

    def set_garbage(self, kind: str | None) -> None:
        if kind is not None and kind not in GARBAGE_KINDS:
            raise ValueError(f"garbage kind must be one of {GARBAGE_KINDS} or None, not {kind!r}")
        self.garbage = kind

    def clear(self) -> None:
        self.submit_failure = None
        self.failing_nodes.clear()
        self.failing_once.clear()
        self.hanging_nodes.clear()
        self.garbage = None


@dataclass
class Tally:
    """What the stand-in has received, for assertions."""

    prompts_received: int = 0
    received_graphs: list[dict] = field(default_factory=list)
    uploads: int = 0

    def saw_prompt(self, body: dict) -> None:
        self.prompts_received += 1
        if isinstance(body, dict) and "prompt" in body:
            self.received_graphs.append(copy.deepcopy(body["prompt"]))


def garbage_middleware(script: Script):
    """While a garbage mode is on, every HTTP route (not /ws) answers nonsense instead."""

    @web.middleware
    async def middleware(request: web.Request, handler):
        kind = script.garbage
        if kind in (None, "ws_never_closes") or request.path.endswith("/ws"):
            return await handler(request)
        if kind == "http_500":
            return web.Response(status=500, text="500 Internal Server Error\n\nServer got itself in trouble")
        if kind == "non_json":
            return web.Response(text="<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html")
        return web.json_response(["wrong", "shape"])

    return middleware
