"""ComfyUIEngine: the ImageEngine port over one ComfyUI server's HTTP and WebSocket API."""
from __future__ import annotations

import mimetypes
import uuid
from typing import AsyncIterator
from urllib.parse import quote

import aiohttp

from adapters.comfyui.errors import rejection_message
from adapters.comfyui.follow import PromptFollower
from adapters.comfyui.history import entry_status, queue_length, queue_state
from adapters.comfyui.http import ComfyUIHttp
from adapters.comfyui.model_upload import ModelUpload
from adapters.comfyui.object_info import ObjectInfo
from adapters.comfyui.socket import ComfyUISocket
from domain.errors import EngineRejected
from ports.engine import (
    EngineEvent,
    EngineUnavailable,
    GraphProblem,
    OutputFile,
    PromptState,
    PromptStatus,
    UploadFile,
    WorkerHealth,
)

_NOT_FILES = ("text/html", "application/json")  # what a broken proxy or garbage answer sends instead of a file


class ComfyUIEngine:
    """One ComfyUI server: uploads and prompts by HTTP, progress by one shared websocket, polling as fallback."""

    def __init__(self, url: str, http: aiohttp.ClientSession | None = None, timeout: float = 30,
                 poll_interval: float = 1.0, secret: str = ""):
        self._http = ComfyUIHttp(url, http, timeout)
        self.name = self._http.url
        self.client_id = uuid.uuid4().hex
        self.timeout, self.poll_interval = timeout, poll_interval
        self._socket = ComfyUISocket(self.name, self.client_id, retry_interval=poll_interval, open_timeout=timeout)
        self._object_info = ObjectInfo(self._http)
        self._models = ModelUpload(self._http, secret)
        self._cancelled: set[str] = set()
        self._early: dict[str, tuple] = {}  # prompt id -> (its queue, subscribed on a live socket) until followed

    async def health(self) -> WorkerHealth:
        try:
            stats = await self._http.get_json("/system_stats")
            remaining = queue_length(await self._http.get_json("/queue"))
        except EngineUnavailable as error:
            return WorkerHealth(ok=False, message=str(error))
        system = stats.get("system") if isinstance(stats.get("system"), dict) else {}
        devices = [d.get("name") for d in stats.get("devices") or () if isinstance(d, dict)]
        return WorkerHealth(ok=True, queue_remaining=remaining, previews=_sends_previews(system.get("argv")),
                            details={"comfyui_version": system.get("comfyui_version"), "devices": devices})

    async def choices(self, kind: str, fresh: bool = False) -> list[str]:
        return await self._object_info.choices(kind, fresh)

    async def check(self, graph: dict) -> list[GraphProblem]:
        return await self._object_info.check(graph)

    async def submit(self, prompt_id: str, graph: dict, uploads: tuple[UploadFile, ...]) -> None:
        self._socket.start()  # connect early, so the prompt's first messages are not missed
        for upload in uploads:
            await self._upload(upload)
        body = {"prompt": graph, "client_id": self.client_id, "prompt_id": prompt_id}
        self._early[prompt_id] = (self._socket.subscribe(prompt_id), self._socket.connected)
        try:
            await self._post_prompt(prompt_id, body)
        except (EngineRejected, EngineUnavailable):
            self._forget_early(prompt_id)
            raise

    async def _post_prompt(self, prompt_id: str, body: dict) -> None:
        response = await self._http.post_json("/prompt", body, accept=(400,))
        answer = self._http.decode(response)
        if response.status_code == 400:
            raise EngineRejected(rejection_message(answer))
        if answer.get("prompt_id") != prompt_id:
            raise EngineUnavailable(f"ComfyUI at {self.name} queued {answer.get('prompt_id')!r}, not {prompt_id!r}")
        if answer.get("node_errors"):  # some outputs were dropped: this is not the job that was asked for
            await self.cancel(prompt_id)
            raise EngineRejected(rejection_message(answer))

    async def _upload(self, upload: UploadFile) -> None:
        mime = mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
        response = await self._http.send(
            "POST", "/upload/image", files={"image": (upload.name, upload.data, mime)},
            data={"subfolder": upload.subfolder, "type": "input", "overwrite": "true"},
        )
        stored = self._http.decode(response).get("name")
        if stored != upload.name:
            raise EngineUnavailable(f"ComfyUI at {self.name} stored the upload {upload.name} as {stored!r}")

    def follow(self, prompt_id: str) -> AsyncIterator[EngineEvent]:
        """Subscribed since before the POST on a live socket, it hears every message; otherwise it polls first."""
        queue, live = self._early.pop(prompt_id, (None, False))
        return PromptFollower(self.name, prompt_id, self._socket, self.status, self._cancelled.__contains__,
                              self.poll_interval, self.timeout).events(queue, poll_first=not live)

    def _forget_early(self, prompt_id: str) -> None:
        queue, _ = self._early.pop(prompt_id, (None, False))
        if queue is not None:
            self._socket.unsubscribe(prompt_id, queue)

    async def status(self, prompt_id: str) -> PromptStatus:
        """History first; then the queue; then history again, in case it ended between the two reads."""
        path = f"/history/{quote(prompt_id, safe='')}"
        history = await self._http.get_json(path)
        if prompt_id not in history:
            state = queue_state(prompt_id, await self._http.get_json("/queue"))
            if state is not None:
                return PromptStatus(state)
            history = await self._http.get_json(path)
        if prompt_id not in history:
            return PromptStatus(PromptState.UNKNOWN)
        return entry_status(prompt_id, history[prompt_id])

    async def fetch(self, output: OutputFile) -> bytes:
        params = {"filename": output.filename, "subfolder": output.subfolder, "type": output.type}
        response = await self._http.send("GET", "/view", accept=(404,), params=params)
        where = f"{output.type} file {'/'.join(filter(None, (output.subfolder, output.filename)))}"
        if response.status_code == 404:
            raise EngineUnavailable(f"ComfyUI at {self.name} has no {where}")
        received = response.headers.get("content-type", "").split(";")[0].strip()
        if received in _NOT_FILES and received != mimetypes.guess_type(output.filename)[0]:
            raise EngineUnavailable(f"ComfyUI at {self.name} answered with {received} instead of the {where}")
        return response.content

    async def cancel(self, prompt_id: str) -> None:
        """Drop it from the pending queue, or interrupt it if it is the one running."""
        self._cancelled.add(prompt_id)
        queue = await self._http.get_json("/queue")
        if queue_state(prompt_id, queue) == "queued":
            await self._http.post_json("/queue", {"delete": [prompt_id]})
            queue = await self._http.get_json("/queue")
        if queue_state(prompt_id, queue) == "running":
            await self._http.post_json("/interrupt", {"prompt_id": prompt_id})

    async def deliver(self, folder: str, filename: str, size: int, sha256: str, chunks: AsyncIterator[bytes]) -> bool:
        written = await self._models.send(folder, filename, size, sha256, chunks)
        self._object_info.forget()  # its lists now name the file
        return written

    async def delivery_problem(self) -> str:
        return await self._models.problem()

    async def close(self) -> None:
        await self._socket.close()
        await self._http.close()


def _sends_previews(argv: object) -> bool:
    """Whether ComfyUI was started with a preview method (its default, "none", sends no pictures)."""
    if not isinstance(argv, list) or "--preview-method" not in argv:
        return False
    at = argv.index("--preview-method") + 1
    return at < len(argv) and argv[at] != "none"
