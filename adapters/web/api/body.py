"""Read API requests strictly: a JSON object body and typed query values, each error naming its field."""
from __future__ import annotations

import json

from quart import request

from adapters.web.errors import BadRequest
from domain.numbers import parse_number, parse_whole


async def json_body() -> dict:
    raw = await request.get_data(as_text=True)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as error:
        raise BadRequest("body", f"is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}).")
    if not isinstance(body, dict):
        raise BadRequest("body", f"must be a JSON object, not {type(body).__name__}.")
    return body


def text(body: dict, name: str, required: bool = True, default: str = "") -> str:
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequest(name, "is required (a string).")
        return default
    if not isinstance(value, str):
        raise BadRequest(name, f"must be a string, not {type(value).__name__}.")
    return value


def mapping(body: dict, name: str) -> dict:
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
