"""The point ledger's rules: entries, idempotency keys, and how an entry moves a balance."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.errors import DomainError, InsufficientPoints, RefundRefused


class EntryKind(StrEnum):
    GRANT = "grant"
    CHARGE = "charge"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"


@dataclass(frozen=True)
class LedgerEntry:
    """One movement of points. `amount` is signed: charges are negative."""

    id: str
    user_id: str
    kind: EntryKind
    amount: int
    key: str
    reason: str
    created_at: float
    job_id: str | None = None
    refund_of: str | None = None


@dataclass(frozen=True)
class Posted:
    """What posting an entry did: the entry that stands under its key, and the balance after it."""

    entry: LedgerEntry
    balance: int
    replayed: bool = field(default=False)


def charge_key(job_id: str) -> str:
    return f"charge:{job_id}"


def refund_key(job_id: str) -> str:
    return f"refund:{job_id}"


def check_entry(entry: LedgerEntry) -> None:
    """Shape rules every store applies before touching a balance."""
    if not entry.key:
        raise DomainError("Every ledger entry needs an idempotency key.")
    allowed = {
        EntryKind.GRANT: entry.amount > 0,
        EntryKind.CHARGE: entry.amount < 0,
        EntryKind.REFUND: entry.amount > 0,
        EntryKind.ADJUSTMENT: entry.amount != 0,
    }
    if not allowed[entry.kind]:
        raise DomainError(
            f"A {entry.kind.value} of {entry.amount} points is not allowed "
            "(grants and refunds add points, charges take them, adjustments are non-zero)."
        )
    if entry.kind is EntryKind.REFUND and not entry.refund_of:
        raise RefundRefused("A refund must point at the charge it returns.")


def check_refund(refund: LedgerEntry, charge: LedgerEntry | None) -> None:
    """A refund returns at most what its charge took, and only for a real charge of the same user."""
    if charge is None or charge.kind is not EntryKind.CHARGE:
        raise RefundRefused(f"There is no charge {refund.refund_of} to refund.")
    if charge.user_id != refund.user_id:
        raise RefundRefused("A refund goes back to the user who was charged.")
    if refund.amount > -charge.amount:
        raise RefundRefused(f"A refund of {refund.amount} exceeds its charge of {-charge.amount}.")


def apply(balance: int, entry: LedgerEntry) -> int:
    """The balance after `entry`; it never goes below zero."""
    after = balance + entry.amount
    if after < 0:
        raise InsufficientPoints(balance=balance, price=-entry.amount)
    return after
