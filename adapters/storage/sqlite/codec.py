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
        # Only the fields that need rebuilding are visited; plain JSON values are passed on as they are.
        special = tuple((name, build) for name, field in typing.get_type_hints(hint).items()
                        if (build := _builder(field)) is not _as_is)
        return lambda v: None if v is None else hint(**{**v, **{name: build(v[name]) for name, build in special
                                                               if name in v}})
    if isinstance(hint, type) and issubclass(hint, Enum):
        return lambda v: None if v is None else hint(v)
    return _as_is


def _as_is(value: Any) -> Any:
    return value
