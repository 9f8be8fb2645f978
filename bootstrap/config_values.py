"""Reading one setting at a time from the environment: each refusal names the variable and what it allows."""
from __future__ import annotations

import math
import re
from typing import overload
from urllib.parse import urlparse

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
YES, NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
# Not settings of the station: where to find the .env file, and the test script's virtualenv.
NOT_SETTINGS = ("STATIONTHIS_ENV_FILE", "STATIONTHIS_VENV")


class ConfigError(Exception):
    """A setting is malformed, or what it points at cannot be reached; the message says which and why."""


class EnvReader:
    """Typed reads of environment variables; remembers which were read, so misspelt ones can be named."""

    def __init__(self, env: dict):
        self.env = env
        self.read: set[str] = set()

    @overload
    def text(self, name: str) -> str | None: ...
    @overload
    def text(self, name: str, default: str) -> str: ...

    def text(self, name: str, default: str | None = None) -> str | None:
        self.read.add(name)
        return (self.env.get(name) or "").strip() or default

    def whole(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.text(name, str(default))
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got '{raw}'.") from None
        if not low <= value <= high:
            raise ConfigError(f"{name} must be from {low} to {high}, got {value}.")
        return value

    def seconds(self, name: str, default: float, zero_allowed: bool = True) -> float:
        raw = self.text(name, str(default))
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a number of seconds, got '{raw}'.") from None
        if not math.isfinite(value) or value < 0 or (value == 0 and not zero_allowed):
            raise ConfigError(f"{name} must be a {'' if zero_allowed else 'positive '}number of seconds, got '{raw}'.")
        return value

    def ids(self, name: str) -> tuple[int, ...]:
        raw = self.text(name, "")
        try:
            return tuple(int(p) for p in raw.replace(" ", "").split(",") if p)
        except ValueError:
            raise ConfigError(f"{name} must be comma-separated numeric ids, got '{raw}'.") from None

    def choice(self, name: str, default: str, allowed: tuple[str, ...], case=str.lower) -> str:
        value = case(self.text(name, default))
        if value not in allowed:
            raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got '{value}'.")
        return value

    def flag(self, name: str) -> bool:
        value = self.choice(name, "0", YES + NO)
        return value in YES

    def url(self, name: str, default: str | None = None) -> str | None:
        value = self.text(name) or default
        if value is not None:
            http_url(name, value)
        return value

    def token(self, name: str, pattern: str, shape: str) -> str | None:
        """A secret: checked against its shape, never repeated in the message."""
        value = self.text(name)
        if value is not None and not re.fullmatch(pattern, value):
            raise ConfigError(f"{name} does not look like one: expected {shape}.")
        return value

    def unknown(self, prefix: str = "STATIONTHIS_") -> tuple[str, ...]:
        """Variables with our prefix that nothing read: most likely misspelt."""
        return tuple(sorted(name for name in self.env
                            if name.startswith(prefix) and name not in self.read and name not in NOT_SETTINGS))


def http_url(name: str, value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{name}: '{value}' is not an http(s) URL.")
    return value
