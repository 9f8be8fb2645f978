"""Domain dataclasses to JSON text and back, rebuilding nested dataclasses, enums and tuples."""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from enum import Enum
from functools import cache
from typing import Any, Callable, TypeVar, cast

T = TypeVar("T")


def dump(value: Any) -> str:
    """JSON for a dataclass (nested ones too) or plain data; str enums are written as their value."""
    plain = dataclasses.asdict(value) if dataclasses.is_dataclass(value) and not isinstance(value, type) else value
    return json.dumps(plain, separators=(",", ":"), ensure_ascii=False)


def load(cls: type[T], text: str) -> T:
    built: T = _builder(cast(Any, cls))(json.loads(text))
    return built


@cache
def _builder(hint: Any) -> Callable[[Any], Any]:
    """A function rebuilding values of type `hint` from JSON, worked out once per type (hot on listings)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = _builder(next(arg for arg in typing.get_args(hint) if arg is not type(None)))
        return lambda v: None if v is None else inner(v)
    if origin is tuple:
        item = _builder(typing.get_args(hint)[0])
        return lambda v: None if v is None else tuple(item(each) for each in v)
    if hasattr(hint, "from_record"):  # a value type that reads its older stored shapes itself
        return lambda v: None if v is None else hint.from_record(v)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        fields = {name: _builder(field) for name, field in typing.get_type_hints(hint).items()}
        return lambda v: None if v is None else hint(**{name: fields[name](each) for name, each in v.items()})
    if isinstance(hint, type) and issubclass(hint, Enum):
        return lambda v: None if v is None else hint(v)
    return lambda v: v
