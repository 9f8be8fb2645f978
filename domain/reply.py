"""Where a job's notices go: a platform's own address, frozen and opaque to the domain."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# What older records kept in a job's origin that is not an address: the follow-up action and the
# long-job flag are fields of the job now, and interaction tokens are never stored.
_NOT_ADDRESS = ("platform", "action", "long", "token", "token_expires_at")


@dataclass(frozen=True)
class ReplyTo:
    """`platform` picks the notifier; `address` is that platform's (name, value) pairs, read only by it."""

    platform: str = ""
    address: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, platform: str, **fields: object) -> ReplyTo:
        """The address from named values (None is left out; everything else is kept as text)."""
        return cls(platform, tuple((name, str(value)) for name, value in fields.items() if value is not None))

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.address if key == name), None)

    @classmethod
    def from_record(cls, value: Any) -> ReplyTo:
        """Read back a stored address, including the plain dicts older versions stored."""
        if not isinstance(value, dict):
            return cls()
        if set(value) <= {"platform", "address"}:
            return cls(str(value.get("platform") or ""), tuple((str(k), str(v)) for k, v in value.get("address") or ()))
        return cls.of(str(value.get("platform") or ""), **{k: v for k, v in value.items() if k not in _NOT_ADDRESS})
