"""HTTP requests to one ComfyUI server, with every transport or protocol failure as EngineUnavailable."""
from __future__ import annotations

import httpx

from ports.engine import EngineUnavailable


class ComfyUIHttp:
    """Requests against `url`; answers outside 2xx (and the codes a caller accepts) are failures."""

    def __init__(self, url: str, client: httpx.AsyncClient | None, timeout: float):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._owned = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout)

    async def send(self, method: str, path: str, accept: tuple[int, ...] = (), **kwargs) -> httpx.Response:
        try:
            response = await self._client.request(method, self.url + path, timeout=self.timeout, **kwargs)
        except httpx.HTTPError as error:
            raise EngineUnavailable(
                f"ComfyUI at {self.url} did not answer {method} {path}: {str(error) or type(error).__name__}"
            ) from None
        if not response.is_success and response.status_code not in accept:
            raise EngineUnavailable(f"ComfyUI at {self.url} answered {method} {path} with HTTP {response.status_code}")
        return response

    def decode(self, response: httpx.Response, shape: type = dict):
        """The JSON body, which must be of type `shape`."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, shape):
            raise EngineUnavailable(
                f"ComfyUI at {self.url} answered {response.request.method} {response.request.url.path} "
                f"with something that is not a JSON {shape.__name__}: {response.text[:80]!r}"
            )
        return body

    async def get_json(self, path: str, shape: type = dict, **params):
        return self.decode(await self.send("GET", path, params=params or None), shape)

    async def post_json(self, path: str, body: dict, accept: tuple[int, ...] = ()) -> httpx.Response:
        return await self.send("POST", path, accept=accept, json=body)

    async def close(self) -> None:
        if self._owned:
            await self._client.aclose()
