"""Where a redirect may send the browser: paths on this site only, whatever a form or header says."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

HOME = "/make"
# Control characters (browsers drop tabs and line breaks from URLs, so "/\t/x" becomes "//x"), backslashes
# (read as '/'), line separators and lone surrogates.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\\\u2028\u2029\ud800-\udfff]")


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site (no scheme, host, '//' or '\\', no control characters), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or _UNSAFE.search(target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def safe_next(target: str | None) -> str:
    """Where to go after signing in: the page asked for if it is one of ours, else the home page."""
    return local_path(target) or HOME
