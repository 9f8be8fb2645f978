"""One ComfyUI /ws connection per engine, kept open, each message handed to the followers of its prompt."""
from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from adapters.comfyui.previews import LatestPreviews, read_frame

CONNECTED, DROPPED = "_connected", "_dropped"  # told to every follower when the socket comes up or goes down
PREVIEW = "_preview"  # a newer picture of the prompt waits in `previews` (one such note at a time)
FEATURES = json.dumps({"type": "feature_flags", "data": {"supports_preview_metadata": True}})
_RUNS = ("execution_start", "executing", "progress")  # messages that say which prompt the worker is running
_UNREAD = tuple(f'{{"type": "{kind}"' for kind in ("progress_state", "status", "execution_cached"))  # json.dumps order


class ComfyUISocket:
    """Reconnects every `retry_interval` seconds while down; followers get `(type, data)` pairs on queues."""

    def __init__(self, url: str, client_id: str, retry_interval: float, open_timeout: float):
        self._url = "ws" + url.removeprefix("http") + f"/ws?clientId={client_id}"
        self._retry_interval, self._open_timeout = retry_interval, open_timeout
        self._followers: dict[str, set[asyncio.Queue]] = {}
        self._task: asyncio.Task | None = None
        self.connected = False
        self.previews = LatestPreviews()
        self._running: str | None = None  # the prompt the worker runs now: a preview without metadata is its

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def subscribe(self, prompt_id: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        self._followers.setdefault(prompt_id, set()).add(queue)
        self.start()
        return queue

    def unsubscribe(self, prompt_id: str, queue: asyncio.Queue) -> None:
        followers = self._followers.get(prompt_id, set())
        followers.discard(queue)
        if not followers:
            self._followers.pop(prompt_id, None)
            self.previews.forget(prompt_id)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                async with connect(self._url, open_timeout=self._open_timeout, close_timeout=1, compression=None,
                                   max_size=None, ping_interval=10, ping_timeout=10) as ws:
                    await ws.send(FEATURES)  # the first message: previews then name their prompt
                    self._set_connected(True)
                    async for frame in ws:
                        if isinstance(frame, str):
                            self._dispatch(frame)
                        else:
                            self._preview(frame)
            except (OSError, TimeoutError, WebSocketException):
                pass
            finally:
                if self.connected:
                    self._set_connected(False)
            await asyncio.sleep(self._retry_interval)

    def _set_connected(self, up: bool) -> None:
        self.connected, self._running = up, None
        for queues in self._followers.values():
            for queue in queues:
                queue.put_nowait((CONNECTED if up else DROPPED, {}))

    def _dispatch(self, frame: str) -> None:
        """Messages that name no prompt are skipped (status, feature_flags) and the
        per-node progress_state, which followers do not read (recognised without decoding: it is most of them)."""
        if frame.startswith(_UNREAD):
            return
        try:
            message = json.loads(frame)
        except ValueError:
            return
        data = message.get("data") if isinstance(message, dict) else None
        if isinstance(data, dict) and isinstance(data.get("prompt_id"), str):
            kind = message.get("type")
            if kind in _RUNS:
                self._running = None if kind == "executing" and data.get("node") is None else data["prompt_id"]
            for queue in self._followers.get(data["prompt_id"], ()):
                queue.put_nowait((kind, data))

    def _preview(self, frame: bytes) -> None:
        """Only the newest picture of a followed prompt is kept; its followers get one note until they read it."""
        read = read_frame(frame, self._running)
        if read is None or read[0] not in self._followers:
            return
        prompt_id, image = read
        if self.previews.put(prompt_id, image):
            for queue in self._followers[prompt_id]:
                queue.put_nowait((PREVIEW, {}))
