"""Clock and id ports: time and randomness come in from outside so tests can fix them."""
from __future__ import annotations

from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""
    async def sleep(self, seconds: float) -> None: ...


class Ids(Protocol):
    def new_id(self) -> str:
        """A unique opaque id (url-safe, at most 32 characters)."""
    def token(self, length: int) -> str:
        """A random code of `length` characters from an unambiguous alphabet."""
    def seed(self) -> int:
        """A random seed for generation."""
