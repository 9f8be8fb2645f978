"""Per-user defaults for generation parameters, checked against every tool that takes them."""
from __future__ import annotations

from domain.catalogue import ParamSpec, ToolKind, ToolSpec
from domain.errors import InvalidParameter


def settable_params(tools: list[ToolSpec]) -> dict[str, list[ParamSpec]]:
    """Each settable parameter name with every image tool's spec declaring it (training takes no defaults)."""
    found: dict[str, list[ParamSpec]] = {}
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
