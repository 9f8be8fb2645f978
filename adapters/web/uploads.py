"""Files sent with a request: each at most the configured size, or a 413 that says the limit."""
from __future__ import annotations

from werkzeug.exceptions import RequestEntityTooLarge

from adapters.web.context import web


def read_upload(upload) -> bytes:
    data = upload.read()
    if len(data) > web().settings.max_upload_bytes:
        raise RequestEntityTooLarge()
    return data
