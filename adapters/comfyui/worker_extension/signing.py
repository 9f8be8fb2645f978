"""The shared-secret signature of a model delivery: HMAC-SHA256 over what is sent, so the secret never travels."""
from __future__ import annotations

import hashlib
import hmac
import re

MAX_SKEW_S = 300  # a signed request is good for this long either side of its time stamp
FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\.safetensors$")
PREFIX = "/stationthis/v1"


def signature(secret: str, method: str, path: str, sha256: str, stamp: str) -> str:
    message = "\n".join((method.upper(), path, sha256.lower(), stamp)).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_ok(secret: str, method: str, path: str, sha256: str, stamp: str, given: str, now: float) -> bool:
    try:
        fresh = abs(now - int(stamp)) <= MAX_SKEW_S
    except ValueError:
        return False
    return fresh and hmac.compare_digest(signature(secret, method, path, sha256, stamp), given or "")
