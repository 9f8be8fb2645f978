"""Check the Telegram Login Widget's signature with the bot token, as Telegram documents it."""
from __future__ import annotations

import hashlib
import hmac
import time

MAX_AGE_S = 86400
FIELDS = ("id", "first_name", "last_name", "username", "photo_url", "auth_date", "hash")


def verified_telegram_user(data: dict, bot_token: str, now: float | None = None) -> dict | None:
    """The widget's user fields if `hash` signs them and they are at most a day old, else None."""
    fields = {k: str(v) for k, v in data.items() if k in FIELDS and v not in (None, "")}
    sent = fields.pop("hash", "")
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    secret = hashlib.sha256(bot_token.encode()).digest()
    expected = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()) or not fields.get("id", "").isdigit():
        return None
    try:
        age = (now or time.time()) - int(fields.get("auth_date", "0"))
    except ValueError:
        return None
    return fields if -60 <= age <= MAX_AGE_S else None  # a minute of clock skew is fine
