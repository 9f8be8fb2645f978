"""Read API requests strictly: a JSON object body and typed query values, each error naming its field."""
from __future__ import annotations

import json
import re

from quart import request

from adapters.web.errors import BadRequest
from domain.numbers import parse_number, parse_whole

MAX_DEPTH = 32
_SURROGATE = re.compile(r"[\ud800-\udfff]")


async def json_body() -> dict:
    """The body as a JSON object in UTF-8: anything else (bytes, nesting, numbers, characters) is a 400 naming where."""
    raw = await request.get_data(as_text=False)
    if isinstance(raw, str):  # never with as_text=False; the type says it could be
        raw = raw.encode()
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest("body", f"is not UTF-8 text (byte {error.start + 1} cannot be read); send JSON in UTF-8.")
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise BadRequest("body", f"is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}).")
    except RecursionError:
        raise BadRequest("body", f"is nested too deeply: at most {MAX_DEPTH} levels.") from None
    except ValueError:  # Python refuses integers of more than 4300 digits
        raise BadRequest("body", "holds a number too long to read: at most 4300 digits.") from None
    if not isinstance(body, dict):
        raise BadRequest("body", f"must be a JSON object, not {type(body).__name__}.")
    _check(body, "", 0)
    return body


def _no_constant(name: str) -> float:
    raise BadRequest("body", f"holds {name}, which is not a number JSON allows.")


def _check(value: object, where: str, depth: int) -> None:
    """Refuse nesting past MAX_DEPTH and lone surrogates (valid JSON escapes, but no text can hold them)."""
    if depth > MAX_DEPTH:
        raise BadRequest(where or "body", f"is nested too deeply: at most {MAX_DEPTH} levels.")
    if isinstance(value, str) and _SURROGATE.search(value):
        raise BadRequest(where or "body", "holds an unpaired surrogate escape such as \\ud800, which is not text.")
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and _SURROGATE.search(key):
            raise BadRequest(where or "body", "has a name holding an unpaired surrogate escape, which is not text.")
        _check(item, f"{where}.{key}" if where else str(key), depth + 1)


def text(body: dict, name: str, required: bool = True, default: str = "") -> str:
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequest(name, "is required (a string).")
        return default
    if not isinstance(value, str):
        raise BadRequest(name, f"must be a string, not {type(value).__name__}.")
    return value


def mapping(body: dict, name: str, required: bool = False) -> dict:
    if required and name not in body:
        raise BadRequest(name, "is required (a JSON object of name: value).")
    value = body.get(name, {})
    if not isinstance(value, dict):
        raise BadRequest(name, f"must be a JSON object of name: value, not {type(value).__name__}.")
    return value


def number(body: dict, name: str, default: float) -> float:
    """A JSON number (its bounds are the domain's to check)."""
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRequest(name, f"must be a number, not {type(value).__name__}.")
    return value


def query_number(name: str, what: str) -> float | None:
    """An optional number in the query string, or a 400 naming it."""
    raw = request.args.get(name)
    try:
        return None if raw is None else parse_number(raw)
    except (TypeError, ValueError):
        raise BadRequest(name, f"must be {what}.") from None


def query_int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = parse_whole(raw)
    except (TypeError, ValueError):
        raise BadRequest(name, f"must be a whole number from {low} to {high}, got '{raw}'.") from None
    if not low <= value <= high:
        raise BadRequest(name, f"must be a whole number from {low} to {high}, got {value}.")
    return value
