"""Blob port: opaque bytes under keys the domain chooses (results, dataset images, LoRA files)."""
from __future__ import annotations

from typing import AsyncIterator, Protocol


def check_blob_key(key: str) -> str:
    """Keys are relative paths of plain segments: no '..' or dot-segments, no leading '/', no '\\' or NUL."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"Blob key {key!r} must be a non-empty string.")
    if "\\" in key or "\0" in key:
        raise ValueError(f"Blob key {key!r} may not contain backslashes or NUL.")
    if key.startswith("/"):
        raise ValueError(f"Blob key {key!r} must be relative, not absolute.")
    if any(not segment or segment.startswith(".") for segment in key.split("/")):
        raise ValueError(f"Blob key {key!r} has an empty segment or one starting with '.' (such as '..').")
    return key


class BlobStore(Protocol):
    """Every store refuses keys that `check_blob_key` refuses, with its ValueError."""

    async def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None: ...
    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> int:
        """Store a large file without holding it whole in memory; returns its size."""
    async def get(self, key: str) -> bytes:
        """Raise KeyError if absent."""
    def stream(self, key: str) -> AsyncIterator[bytes]: ...
    async def exists(self, key: str) -> bool: ...
    async def delete(self, key: str) -> None: ...
    async def keys(self) -> list[str]: ...
