"""Decodes a Bot API request (query string, JSON, urlencoded or multipart body) into typed parameters."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .faults import bad_request
from .records import Upload

# Parameters Telegram documents as JSON-serialized objects; form posts carry them as strings.
JSON_FIELDS = frozenset(
    {
        "allowed_updates",
        "caption_entities",
        "commands",
        "entities",
        "link_preview_options",
        "media",
        "reply_markup",
        "reply_parameters",
        "scope",
    }
)


async def read_request(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """All parameters of a request, JSON fields decoded, and its file parts."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            body = await request.json()
            raw.update(body if isinstance(body, dict) else {})
        else:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[name] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    raw[name] = value
    return {name: _decoded(name, value) for name, value in raw.items()}, files


def _decoded(name: str, value: Any) -> Any:
    if name not in JSON_FIELDS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # left as text; the method that needs it refuses it


class Params:
    """Typed reads of one call's parameters, lenient the way the Bot API server is."""

    def __init__(self, values: dict[str, Any], files: dict[str, Upload]):
        self.values = values
        self.files = files

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return "" if value is None else str(value)

    def number(self, name: str, default: int = 0) -> int:
        """An integer like td::to_integer reads it: absent or malformed gives the default."""
        value = self.values.get(name)
        if isinstance(value, bool) or value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            return default

    def flag(self, name: str) -> bool:
        return self.values.get(name) in (True, "true", "True", "1", 1)

    def object(self, name: str, complaint: str | None) -> Any:
        """A JSON-serialized parameter, or None when absent.

        Invalid JSON is refused with `complaint`, or read as absent when there is none (as Telegram reads
        entities and allowed_updates).
        """
        value = self.values.get(name)
        if isinstance(value, str):
            if value == "" or complaint is None:
                return None
            raise bad_request(complaint)
        return value
