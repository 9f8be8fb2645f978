"""Builds the `data` of a slash-command interaction from a test's values, refusing what Discord's client would."""

from __future__ import annotations

from collections.abc import Sequence

from .state import World
from .uploads import store_attachment

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, NUMBER, ATTACHMENT = 3, 4, 5, 10, 11
Upload = tuple[str, bytes, str]


def command_data(world: World, command: dict, path: Sequence[str], values: dict | list | None,
                 uploads: Sequence[Upload], channel_id: str, focused: str | None = None) -> dict:
    """`path` names the subcommand group/subcommand; a list `values` is sent verbatim as the leaf options."""
    data = {"id": command["id"], "name": command["name"], "type": command["type"], "options": []}
    if "guild_id" in command:
        data["guild_id"] = command["guild_id"]
    container, definitions = data["options"], command.get("options", [])
    for name in path:
        sub = _definition(definitions, name, command["name"])
        if sub["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP):
            raise ValueError(f"{name!r} is an option of /{command['name']}, not a subcommand")
        node = {"name": name, "type": sub["type"], "options": []}
        container.append(node)
        container, definitions = node["options"], sub.get("options", [])
    if any(d["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for d in definitions):
        raise ValueError(f"/{command['name']} needs a subcommand path, e.g. '{command['name']} <sub>'")
    if isinstance(values, list):
        container.extend(values)
        return data
    values = dict(values or {})
    free_attachment_slots = [d["name"] for d in definitions if d["type"] == ATTACHMENT and d["name"] not in values]
    if len(uploads) > len(free_attachment_slots):
        raise ValueError(f"/{command['name']} has only {len(free_attachment_slots)} free attachment options")
    values.update(zip(free_attachment_slots, uploads))
    for name, value in values.items():
        definition = _definition(definitions, name, command["name"])
        option = {"name": name, "type": definition["type"], "value": value}
        if name == focused:
            option["focused"] = True
        elif definition["type"] == ATTACHMENT:
            attachment = store_attachment(world, channel_id, *value)
            data.setdefault("resolved", {}).setdefault("attachments", {})[attachment.id] = attachment.payload()
            option["value"] = attachment.id
        else:
            _check(definition, value)
        container.append(option)
    missing = [d["name"] for d in definitions if d.get("required") and d["name"] not in values]
    if missing and focused is None:
        raise ValueError(f"/{command['name']} requires {missing}")
    return data


def _definition(definitions: list[dict], name: str, command_name: str) -> dict:
    for definition in definitions:
        if definition["name"] == name:
            return definition
    raise ValueError(f"/{command_name} has no option {name!r}; it has {[d['name'] for d in definitions]}")


def _check(definition: dict, value) -> None:
    """The client-side limits: type, min/max value, min/max length and fixed choices."""
    kind, name = definition["type"], definition["name"]
    expected = {STRING: str, INTEGER: int, NUMBER: (int, float), BOOLEAN: bool}.get(kind)
    if expected is None:
        raise ValueError(f"option {name!r} has type {kind}, which the stand-in does not model")
    if not isinstance(value, expected) or (kind != BOOLEAN and isinstance(value, bool)):
        raise ValueError(f"option {name!r} needs {expected}, got {value!r}")
    if "min_value" in definition and value < definition["min_value"]:
        raise ValueError(f"option {name!r}={value!r} is below min_value {definition['min_value']}")
    if "max_value" in definition and value > definition["max_value"]:
        raise ValueError(f"option {name!r}={value!r} is above max_value {definition['max_value']}")
    if kind == STRING and not definition.get("min_length", 0) <= len(value) <= definition.get("max_length", 6000):
        raise ValueError(f"option {name!r} has a length outside its min_length/max_length")
    choices = [c["value"] for c in definition.get("choices") or []]
    if choices and value not in choices:
        raise ValueError(f"option {name!r}={value!r} is not one of its choices {choices}")
