"""Which driving adapters (web, Telegram, Discord) this configuration starts, and their CLI commands."""
from __future__ import annotations

import importlib

from bootstrap.config import Config

# Each module defines `platform(config, container) -> object | None` (an object with `title`,
# `async start()`, `async stop()`, or None when not configured) and may define `add_cli(subparsers)`.
PLATFORM_MODULES = ("bootstrap.web", "bootstrap.telegram", "bootstrap.discord")
CLI_MODULES = PLATFORM_MODULES + ("bootstrap.storage_commands",)


def _modules(names):
    for name in names:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise


def configured_platforms(config: Config, container) -> list:
    return [p for m in _modules(PLATFORM_MODULES) if (p := m.platform(config, container)) is not None]


def add_platform_cli(subparsers) -> None:
    for module in _modules(CLI_MODULES):
        if hasattr(module, "add_cli"):
            module.add_cli(subparsers)
