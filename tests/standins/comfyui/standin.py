"""ComfyUIStandin: start, stop, crash and restart the stand-in server, and turn its fault knobs."""
from __future__ import annotations

import asyncio
import socket

from aiohttp import web

from .env import Env
from .executor import prompt_worker
from .hub import Hub
from .prompt_queue import PromptQueue
from .script import DEFAULT_SUBMIT_FAILURE, Script, Tally
from .server import build_app


class ComfyUIStandin:
    """A ComfyUI 0.8.0 look-alike on 127.0.0.1: validates against the recorded /object_info, runs graphs for real.

    Constructor knobs: `base_dir` (holds input/ output/ temp/; a temp dir made and removed when
    None), `port` (0 = ephemeral; kept across restart()), `checkpoints`, `loras`, `upscale_models`
    (model file names offered by the combos and /models/{folder}, besides files in models/<folder> and,
    for LoRAs, output/loras), `step_delay` (seconds per KSampler / upscale / training step), `node_delay`
    (seconds per node), `extension_secret` (None: no StationThis worker extension; otherwise it serves the
    extension's routes, adapters/comfyui/worker_extension, with this COMFYUI_SHARED_SECRET), `packs` (custom node
    packs installed, by the names of packs/*.json: "florence2", "searge_llm"; none by default, like a bare ComfyUI),
    `llm_models` (the .gguf files models/llm_gguf offers, for the Searge LLM pack), `preview_rate`
    (None: started without a preview method, so no previews; else KSampler sends a preview frame after a step at
    most this many times a second, type 4 with metadata to clients that announced supports_preview_metadata,
    type 1 otherwise, and /system_stats lists `--preview-method latent2rgb`; set `script.preview_metadata` False
    for an older ComfyUI that sends type 1 to everyone).

    Read: `url`, `port`, `base_dir`, `dir("input"|"output"|"temp")`; the live lists `checkpoints`,
    `loras`, `upscale_models` (append to one, e.g. a trained LoRA "moved into models/loras");
    counters `prompts_received`, `received_graphs` (each POST /prompt's graph), `uploads`.
    `step_delay`, `node_delay` and `preview_rate` can be set at any time.

    Faults: `fail_next_submit(body)` (next POST /prompt answers that 400 body), `fail_node(class,
    message)` (run-time execution_error, RuntimeError), `fail_node_once(class, message)` (only its next run fails),
    `hang_node(class)` (never finishes until
    interrupted or stopped), `drop_sockets()` (cut every websocket, 1006), `crash()` (stop
    answering: listener and connections gone, queue and history lost), `restart()` (same port,
    empty queue and history, temp/ emptied, files on disk kept), `garbage_mode(kind)` with kind in
    "non_json" | "wrong_shape" (a JSON list) | "http_500" for every HTTP route, or
    "ws_never_closes" (a prompt's execution_success/error/interrupted and final executing{node:
    null} are never sent; history still fills); `garbage_mode(None)` and `clear_faults()` undo.
    """

    def __init__(self, base_dir: str | None = None, *, port: int = 0,
                 checkpoints=("sd15.safetensors",), loras=(), upscale_models=("4x.pth",),
                 step_delay: float = 0.01, node_delay: float = 0.0, extension_secret: str | None = None,
                 packs: tuple[str, ...] = (), llm_models=("Llama-3.2-3B-Instruct-Q4_K_M.gguf",),
                 preview_rate: float | None = None):
        self.port = port
        self.script = Script(step_delay=step_delay, node_delay=node_delay, extension_secret=extension_secret,
                             preview_rate=preview_rate)
        self.tally = Tally()
        self.env = Env(base_dir, {"checkpoints": list(checkpoints), "loras": list(loras),
                                  "upscale_models": list(upscale_models), "llm_gguf": list(llm_models)}, tuple(packs))
        self._runner: web.AppRunner | None = None
        self._hub: Hub | None = None
        self._tasks: list[asyncio.Task] = []

    async def __aenter__(self) -> "ComfyUIStandin":
        await self.start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on 127.0.0.1:`port` with an empty queue and history; temp/ is emptied, as ComfyUI does."""
        self.env.ensure()
        self.env.clear_temp()
        state = PromptQueue()
        self._hub = Hub(state, self.script)
        state.on_change = self._hub.queue_updated
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        app = build_app(state, self._hub, self.env, self.script, self.tally, self.port)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self._tasks = [asyncio.create_task(prompt_worker(state, self._hub, self.env, self.script)),
                       asyncio.create_task(self._hub.publish_loop())]

    async def stop(self) -> None:
        """Graceful: websockets get a 1001 close frame; an owned base dir is removed."""
        if self._runner is not None:
            await self._hub.close_all()
            await self._shut_down()
        self.env.remove_if_owned()

    async def crash(self) -> None:
        if self._runner is not None:
            self._hub.drop_all()
            await self._shut_down()

    async def restart(self) -> None:
        await self.crash()
        await self.start()

    async def _shut_down(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._runner.cleanup()
        self._runner, self._hub, self._tasks = None, None, []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_dir(self) -> str | None:
        return self.env.base

    def dir(self, kind: str) -> str:
        return self.env.dir(kind)

    checkpoints = property(lambda self: self.env.models["checkpoints"])
    loras = property(lambda self: self.env.models["loras"])
    upscale_models = property(lambda self: self.env.models["upscale_models"])
    prompts_received = property(lambda self: self.tally.prompts_received)
    received_graphs = property(lambda self: self.tally.received_graphs)
    uploads = property(lambda self: self.tally.uploads)
    step_delay = property(lambda self: self.script.step_delay, lambda self, v: setattr(self.script, "step_delay", v))
    preview_rate = property(lambda self: self.script.preview_rate,
                            lambda self, v: setattr(self.script, "preview_rate", v))
    node_delay = property(lambda self: self.script.node_delay, lambda self, v: setattr(self.script, "node_delay", v))

    def fail_next_submit(self, body: dict | None = None) -> None:
        self.script.submit_failure = body if body is not None else DEFAULT_SUBMIT_FAILURE

    def fail_node(self, class_type: str, message: str = "Stand-in failure") -> None:
        self.script.failing_nodes[class_type] = message

    def fail_node_once(self, class_type: str, message: str = "Stand-in failure") -> None:
        self.script.failing_once[class_type] = message

    def hang_node(self, class_type: str) -> None:
        self.script.hanging_nodes.add(class_type)

    def drop_sockets(self) -> None:
        if self._hub is not None:
            self._hub.drop_all()

    def garbage_mode(self, kind: str | None) -> None:
        self.script.set_garbage(kind)

    def clear_faults(self) -> None:
        self.script.clear()
