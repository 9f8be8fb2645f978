"""The ledger's rules, without any store."""
import pytest

from domain.errors import DomainError, InsufficientPoints, RefundRefused
from domain.ledger import (
    EntryKind,
    LedgerEntry,
    apply,
    charge_key,
    check_entry,
    check_refund,
    refund_key,
)


def entry(kind, amount, key="k", user="u1", refund_of=None):
    return LedgerEntry(id="e", user_id=user, kind=kind, amount=amount, key=key, reason="r", created_at=0,
                       refund_of=refund_of)


def test_a_charge_never_takes_the_balance_below_zero():
    with pytest.raises(InsufficientPoints) as error:
        apply(5, entry(EntryKind.CHARGE, -6))
    assert (error.value.balance, error.value.price) == (5, 6)
    assert "costs 6" in str(error.value) and "balance is 5" in str(error.value)


def test_a_charge_may_take_the_balance_to_exactly_zero():
    assert apply(6, entry(EntryKind.CHARGE, -6)) == 0


@pytest.mark.parametrize("kind, amount", [(EntryKind.GRANT, 0), (EntryKind.GRANT, -1), (EntryKind.CHARGE, 5),
                                          (EntryKind.REFUND, -3), (EntryKind.ADJUSTMENT, 0)])
def test_entries_with_the_wrong_sign_are_refused(kind, amount):
    with pytest.raises(DomainError):
        check_entry(entry(kind, amount, refund_of="c"))


def test_every_entry_needs_an_idempotency_key():
    with pytest.raises(DomainError, match="idempotency key"):
        check_entry(entry(EntryKind.GRANT, 5, key=""))


def test_a_refund_must_point_at_its_charge():
    with pytest.raises(RefundRefused):
        check_entry(entry(EntryKind.REFUND, 5))


def test_a_refund_without_a_charge_is_refused():
    with pytest.raises(RefundRefused, match="no charge"):
        check_refund(entry(EntryKind.REFUND, 5, refund_of="missing"), None)


def test_a_refund_larger_than_its_charge_is_refused():
    charge = entry(EntryKind.CHARGE, -5)
    with pytest.raises(RefundRefused, match="exceeds"):
        check_refund(entry(EntryKind.REFUND, 6, refund_of="e"), charge)


def test_a_refund_goes_only_to_the_user_who_was_charged():
    charge = entry(EntryKind.CHARGE, -5, user="u1")
    with pytest.raises(RefundRefused):
        check_refund(entry(EntryKind.REFUND, 5, refund_of="e", user="u2"), charge)


def test_charge_and_refund_keys_name_the_job():
    assert charge_key("j1") == "charge:j1" and refund_key("j1") == "refund:j1"
