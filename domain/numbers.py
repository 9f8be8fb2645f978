"""Numbers users type: whole numbers and numbers, read the same way on every face."""
from __future__ import annotations

import math

from domain.errors import InvalidParameter


def parse_whole(raw: object) -> int:
    """An int from an int, an integral float or digits; ValueError otherwise (bools are not numbers)."""
    if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
        raise ValueError(raw)
    if isinstance(raw, str):
        return int(raw.strip())
    if isinstance(raw, (int, float)):
        return int(raw)
    raise TypeError(raw)


def parse_number(raw: object) -> float:
    """A finite float from a number or its text; ValueError otherwise."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise TypeError(raw)
    try:
        value = float(raw)
    except OverflowError:  # an int past the float range
        raise ValueError("too large") from None
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def whole_number(raw: object, name: str, example: int = 3) -> int:
    """A whole number the user gave as `name`, or InvalidParameter saying so."""
    try:
        return parse_whole(raw)
    except (TypeError, ValueError):
        raise InvalidParameter(name, f"must be a whole number, e.g. {example}; got {_shown(raw)}.") from None


def number(raw: object, name: str, example: float = 7) -> float:
    try:
        return parse_number(raw)
    except (TypeError, ValueError):
        raise InvalidParameter(name, f"must be a number, e.g. {example:g}; got {_shown(raw)}.") from None


def _shown(raw: object) -> str:
    return "nothing" if raw in (None, "") else repr(raw)[:40]
