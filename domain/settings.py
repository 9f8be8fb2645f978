"""Per-user defaults for generation parameters, checked against every tool that takes them."""
from __future__ import annotations

from dataclasses import dataclass

from domain.catalogue import ParamSpec, ParamType, ToolKind, ToolSpec
from domain.errors import InvalidParameter
from domain.quotes import CONFIRM_ABOVE, DEFAULT_CONFIRM_ABOVE

PREVIEWS, PREVIEWS_ON = "previews", "on"

# Settings of the station's own, beside the tools' parameters.
STATION_SETTINGS = (
    ParamSpec(CONFIRM_ABOVE, ParamType.INT, "Ask before work that costs more than this many points (0: always ask)",
              default=DEFAULT_CONFIRM_ABOVE, min=0, max=1_000_000),
    ParamSpec(PREVIEWS, ParamType.CHOICE, "Show the picture forming while it is made (where the worker sends it)",
              default=PREVIEWS_ON, choices=(PREVIEWS_ON, "off")),
)


@dataclass(frozen=True)
class SettingsGroup:
    """Settings used by exactly these tools (titles in catalogue order): how pages group them."""

    tools: tuple[str, ...]
    names: tuple[str, ...]


def settable_params(tools: list[ToolSpec]) -> dict[str, list[ParamSpec]]:
    """Each setting with every spec declaring it: the station's own, then the image tools' parameters (training
    takes no defaults)."""
    found: dict[str, list[ParamSpec]] = {spec.name: [spec] for spec in STATION_SETTINGS}
    for tool in (t for t in tools if t.kind != ToolKind.TRAINING):
        for spec in tool.params:
            if spec.settable:
                found.setdefault(spec.name, []).append(spec)
    return found


def validate_settings(changes: dict[str, object], tools: list[ToolSpec]) -> dict[str, object]:
    """Typed values for `changes`, each within the bounds of every tool that uses it."""
    known = settable_params(tools)
    checked = {}
    for name, raw in changes.items():
        if name not in known:
            raise InvalidParameter(name, f"is not a setting. Settings: {', '.join(sorted(known))}.")
        value = raw
        for spec in known[name]:
            value = spec.coerce(raw)
        checked[name] = value
    return checked


def grouped_settings(tools: list[ToolSpec]) -> list[SettingsGroup]:
    """Each setting under the tools that use it: shared by several (first), or one tool's own; the station's own
    settings (no tool's parameter, `tools` empty) come last."""
    image_tools = [t for t in tools if t.kind != ToolKind.TRAINING]
    by_users: dict[tuple[int, ...], list[str]] = {}  # positions in `image_tools` -> setting names
    for name in settable_params(tools):
        users = tuple(n for n, t in enumerate(image_tools) if any(p.name == name and p.settable for p in t.params))
        by_users.setdefault(users, []).append(name)
    ordered = sorted(by_users.items(), key=lambda item: (item[0][0] if item[0] else len(image_tools), -len(item[0])))
    return [SettingsGroup(tuple(image_tools[n].title for n in users), tuple(names)) for users, names in ordered]
