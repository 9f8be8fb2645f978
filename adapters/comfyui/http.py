"""HTTP requests to one ComfyUI server (aiohttp), with every transport or protocol failure as EngineUnavailable."""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy

from ports.engine import EngineUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """A whole response, read: what the engine looks at."""

    method: str
    path: str
    status_code: int
    headers: CIMultiDictProxy[str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class ComfyUIHttp:
    """Requests against `url`; answers outside 2xx (and the codes a caller accepts) are failures. aiohttp, not
    httpx: about a millisecond less CPU per request, and a job makes several (bench/dispatch.py)."""

    def __init__(self, url: str, client: aiohttp.ClientSession | None, timeout: float):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._owned = client is None
        self._client = client

    def _session(self) -> aiohttp.ClientSession:
        if self._client is None:  # made in the running loop, at first use
            self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._client

    async def send(self, method: str, path: str, accept: tuple[int, ...] = (), files: dict | None = None,
                   data: dict | None = None, content: Any = None, **kwargs: Any) -> Answer:
        """`files` {field: (name, bytes, type)} with `data` fields as a multipart form; `content` a body (bytes or
        an async iterator of chunks); `params`, `json`, `headers` as aiohttp takes them."""
        body = _form(files, data) if files else content if content is not None else data
        try:
            async with self._session().request(method, self.url + path, data=body, **kwargs) as response:
                answer = Answer(method, path, response.status, response.headers, await response.read())
            log.debug("HTTP request: %s %s%s -> %d", method, self.url, path, answer.status_code)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            raise EngineUnavailable(
                f"ComfyUI at {self.url} did not answer {method} {path}: {str(error) or type(error).__name__}"
            ) from None
        if not 200 <= answer.status_code < 300 and answer.status_code not in accept:
            raise EngineUnavailable(f"ComfyUI at {self.url} answered {method} {path} with HTTP {answer.status_code}")
        return answer

    def decode(self, response: Answer, shape: type = dict):
        """The JSON body, which must be of type `shape`."""
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if not isinstance(body, shape):
            raise EngineUnavailable(
                f"ComfyUI at {self.url} answered {response.method} {response.path} "
                f"with something that is not a JSON {shape.__name__}: {response.text[:80]!r}"
            )
        return body

    async def get_json(self, path: str, shape: type = dict, **params):
        return self.decode(await self.send("GET", path, params=params or None), shape)

    async def post_json(self, path: str, body: dict, accept: tuple[int, ...] = ()) -> Answer:
        return await self.send("POST", path, accept=accept, json=body)

    async def close(self) -> None:
        if self._owned and self._client is not None:
            await self._client.close()
            self._client = None


def _form(files: dict, fields: dict | None) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in (fields or {}).items():
        form.add_field(name, value)
    for name, (filename, data, content_type) in files.items():
        form.add_field(name, data, filename=filename, content_type=content_type)
    return form
