"""Quotes waiting for a yes: paid work above the user's threshold is held, priced, until they confirm it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CONFIRM_ABOVE = "confirm_above"  # the per-user setting: ask before work costing more than this (0: always ask)
DEFAULT_CONFIRM_ABOVE = 20
QUOTE_TTL_S = 24 * 3600  # a price offered this long ago is asked again (settings or prices may have changed)


@dataclass(frozen=True)
class PendingQuote:
    """What the user will get and pay if they confirm: the charge will be exactly `price`."""

    id: str
    user_id: str
    tool: str
    values: dict[str, Any]
    price: int
    created_at: float
    request_key: str  # what the job is keyed by once confirmed: the request this quote answers
    parent_id: str | None = None
    action: str | None = None
    balance: int = field(default=0, compare=False)  # when offered (not stored: the balance moves on)

    def expired(self, now: float) -> bool:
        return now - self.created_at >= QUOTE_TTL_S


def needs_confirmation(price: int, threshold: int, shown: int | None = None) -> bool:
    """Ask first when the price is above the user's threshold (0: always), or differs from one shown earlier."""
    return price > 0 and (threshold == 0 or price > threshold or (shown is not None and shown != price))
