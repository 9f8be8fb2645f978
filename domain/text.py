"""Text users type: one rule for the characters a name, caption, trigger word or prompt may hold."""
from __future__ import annotations

import re

from domain.errors import InvalidParameter

# C0 and C1 control characters, DEL, and lone UTF-16 surrogates (which no file, page or database can hold).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\t\n\r]+")
MULTILINE = "\t\n\r"


def refuse_control(text: str, field: str, allowed: str = "") -> str:
    """`text` unchanged, or InvalidParameter naming the field and the first character it may not hold."""
    for found in _CONTROL.finditer(text):
        if found.group() not in allowed:
            code = ord(found.group())
            kind = "an unpaired surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
            raise InvalidParameter(field, f"holds {kind} (U+{code:04X}); use letters, digits, spaces and "
                                          "punctuation only.")
    return text


def one_line(text: str, field: str) -> str:
    """Line breaks and tabs become single spaces (a caption is one line); other control characters are refused."""
    return refuse_control(_LINE_BREAKS.sub(" ", text), field).strip()
