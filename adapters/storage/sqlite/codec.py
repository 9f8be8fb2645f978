"""Domain dataclasses to JSON text and back, rebuilding nested dataclasses, enums and tuples."""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from enum import Enum
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def dump(value: Any) -> str:
    """JSON for a dataclass (nested ones too) or plain data; str enums are written as their value."""
    plain = dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value
    return json.dumps(plain, separators=(",", ":"), ensure_ascii=False)


def load(cls: type[T], text: str) -> T:
    return _build(cls, json.loads(text))


def _build(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _build(next(arg for arg in typing.get_args(hint) if arg is not type(None)), value)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_build(item, each) for each in value)
    if dataclasses.is_dataclass(hint):
        fields = _field_types(hint)
        return hint(**{name: _build(fields[name], each) for name, each in value.items()})
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    return value


@cache
def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)
