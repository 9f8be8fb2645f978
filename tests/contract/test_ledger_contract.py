"""The point ledger contract: balances never go negative, keys make retries harmless, refunds happen once."""
from __future__ import annotations

import asyncio

import pytest

from domain.errors import DomainError, InsufficientPoints, RefundRefused
from domain.jobs import JobState
from domain.ledger import EntryKind, charge_key, refund_key
from tests.contract.records import defaults_left, entry, job


async def funded(storage, user_id: str, amount: int) -> None:
    await storage.ledger.post(entry(user_id, EntryKind.GRANT, amount))


async def charged(storage, user_id: str, price: int, job_id: str = "job1"):
    """A charge alone (no job is stored here: the jobs contract covers a job stored with its charge)."""
    return (await storage.ledger.post(entry(user_id, EntryKind.CHARGE, -price, charge_key(job_id)))).entry


async def test_a_user_without_entries_has_a_zero_balance_and_no_history(storage):
    assert await storage.ledger.balance("nobody") == 0
    assert await storage.ledger.entries("nobody") == []
    assert await storage.ledger.by_key("charge:none") is None


async def test_posting_returns_the_entry_and_the_balance_after_it(storage):
    grant = entry("alice", EntryKind.GRANT, 100)
    posted = await storage.ledger.post(grant)
    assert (posted.entry, posted.balance, posted.replayed) == (grant, 100, False)
    assert await storage.ledger.balance("alice") == 100


async def test_an_entry_round_trips_with_every_field(storage):
    await funded(storage, "alice", 100)
    cancelled = job(id="job7", state=JobState.CANCELLED, paid=True, refunded=True)
    charge = entry("alice", EntryKind.CHARGE, -30, charge_key("job7"), job_id="job7")
    await storage.jobs.add(cancelled, charge)
    refund = entry("alice", EntryKind.REFUND, 30, refund_key("job7"), job_id="job7", refund_of=charge.id)
    assert defaults_left(refund) == []
    await storage.ledger.post(refund)
    assert await storage.ledger.by_key(charge_key("job7")) == charge
    assert await storage.ledger.by_key(refund_key("job7")) == refund


async def test_fifty_concurrent_charges_never_overdraw_and_never_lose_an_entry(storage):
    await funded(storage, "alice", 1000)

    async def charge(n: int):
        try:
            return await charged(storage, "alice", 30, f"job{n}")
        except InsufficientPoints:
            return None

    taken = [c for c in await asyncio.gather(*(charge(n) for n in range(50))) if c is not None]
    assert len(taken) == 1000 // 30
    assert await storage.ledger.balance("alice") == 1000 - 30 * len(taken)
    for charge_entry in taken:
        assert await storage.ledger.by_key(charge_entry.key) == charge_entry
    history = await storage.ledger.entries("alice", limit=100)
    assert sorted(e.key for e in history if e.kind is EntryKind.CHARGE) == sorted(c.key for c in taken)


async def test_a_charge_larger_than_the_balance_is_refused_and_changes_nothing(storage):
    await funded(storage, "alice", 20)
    with pytest.raises(InsufficientPoints) as refused:
        await charged(storage, "alice", 30)
    assert (refused.value.balance, refused.value.price) == (20, 30)
    assert await storage.ledger.balance("alice") == 20
    assert await storage.ledger.by_key(charge_key("job1")) is None


async def test_an_adjustment_may_not_take_the_balance_below_zero(storage):
    await funded(storage, "alice", 10)
    with pytest.raises(InsufficientPoints):
        await storage.ledger.post(entry("alice", EntryKind.ADJUSTMENT, -11))
    assert (await storage.ledger.post(entry("alice", EntryKind.ADJUSTMENT, -10))).balance == 0


async def test_entries_of_the_wrong_sign_are_refused(storage):
    with pytest.raises(DomainError):
        await storage.ledger.post(entry("alice", EntryKind.CHARGE, 30))
    with pytest.raises(DomainError):
        await storage.ledger.post(entry("alice", EntryKind.GRANT, -30))
    assert await storage.ledger.entries("alice") == []


async def test_replaying_a_charge_with_its_key_changes_nothing_and_returns_the_standing_entry(storage):
    await funded(storage, "alice", 100)
    first = await charged(storage, "alice", 30)
    again = await storage.ledger.post(entry("alice", EntryKind.CHARGE, -50, charge_key("job1")))
    assert (again.entry, again.balance, again.replayed) == (first, 70, True)
    assert await storage.ledger.balance("alice") == 70
    assert len(await storage.ledger.entries("alice")) == 2


async def test_concurrent_replays_of_one_charge_take_the_points_once(storage):
    await funded(storage, "alice", 100)
    results = await asyncio.gather(*(charged(storage, "alice", 30) for _ in range(10)))
    assert len({r.id for r in results}) == 1
    assert await storage.ledger.balance("alice") == 70


async def test_replaying_a_refund_with_its_key_changes_nothing_and_returns_the_standing_entry(storage):
    await funded(storage, "alice", 100)
    charge = await charged(storage, "alice", 30)
    refund = entry("alice", EntryKind.REFUND, 30, refund_key("job1"), refund_of=charge.id)
    await storage.ledger.post(refund)
    again = await storage.ledger.post(entry("alice", EntryKind.REFUND, 30, refund_key("job1"), refund_of=charge.id))
    assert (again.entry, again.balance, again.replayed) == (refund, 100, True)
    assert await storage.ledger.balance("alice") == 100


async def test_a_refund_without_its_charge_is_refused(storage):
    await funded(storage, "alice", 100)
    with pytest.raises(RefundRefused):
        await storage.ledger.post(entry("alice", EntryKind.REFUND, 30, refund_of="no-such-charge"))
    with pytest.raises(RefundRefused):
        await storage.ledger.post(entry("alice", EntryKind.REFUND, 30))
    assert await storage.ledger.balance("alice") == 100


async def test_a_refund_of_something_other_than_a_charge_is_refused(storage):
    grant = entry("alice", EntryKind.GRANT, 100)
    await storage.ledger.post(grant)
    with pytest.raises(RefundRefused):
        await storage.ledger.post(entry("alice", EntryKind.REFUND, 100, refund_of=grant.id))


async def test_a_second_refund_of_one_charge_is_refused(storage):
    await funded(storage, "alice", 100)
    charge = await charged(storage, "alice", 30)
    await storage.ledger.post(entry("alice", EntryKind.REFUND, 30, refund_key("job1"), refund_of=charge.id))
    with pytest.raises(RefundRefused):
        await storage.ledger.post(entry("alice", EntryKind.REFUND, 30, "refund:other-key", refund_of=charge.id))
    assert await storage.ledger.balance("alice") == 100


async def test_concurrent_refunds_of_one_charge_pay_back_once(storage):
    await funded(storage, "alice", 100)
    charge = await charged(storage, "alice", 30)
    results = await asyncio.gather(*(storage.ledger.post(entry("alice", EntryKind.REFUND, 30, f"refund:{n}",
                                                               refund_of=charge.id)) for n in range(10)),
                                   return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, RefundRefused) for r in results if isinstance(r, Exception))
    assert await storage.ledger.balance("alice") == 100


async def test_a_refund_larger_than_its_charge_is_refused(storage):
    await funded(storage, "alice", 100)
    charge = await charged(storage, "alice", 30)
    with pytest.raises(RefundRefused):
        await storage.ledger.post(entry("alice", EntryKind.REFUND, 31, refund_of=charge.id))
    assert await storage.ledger.balance("alice") == 70


async def test_a_refund_goes_only_to_the_user_who_was_charged(storage):
    await funded(storage, "alice", 100)
    charge = await charged(storage, "alice", 30)
    with pytest.raises(RefundRefused):
        await storage.ledger.post(entry("bob", EntryKind.REFUND, 30, refund_of=charge.id))
    assert await storage.ledger.balance("bob") == 0


async def test_history_lists_newest_first_and_pages_back_with_before(storage):
    posted = [entry("alice", EntryKind.GRANT, 10, created_at=1000.0 + n) for n in range(5)]
    for each in posted:
        await storage.ledger.post(each)
    await storage.ledger.post(entry("bob", EntryKind.GRANT, 10, created_at=1010.0))
    assert await storage.ledger.entries("alice", limit=3) == posted[:1:-1]
    assert await storage.ledger.entries("alice", limit=3, before=1002.0) == posted[1::-1]


async def test_totals_sum_the_points_moved_by_each_kind(storage):
    await funded(storage, "alice", 100)
    await funded(storage, "bob", 50)
    charge = await charged(storage, "alice", 30)
    await storage.ledger.post(entry("alice", EntryKind.REFUND, 20, refund_of=charge.id))
    await storage.ledger.post(entry("bob", EntryKind.ADJUSTMENT, -5))
    await storage.ledger.post(entry("bob", EntryKind.ADJUSTMENT, 2))
    totals = await storage.ledger.totals()
    assert {kind: totals.get(kind, 0) for kind in ("grant", "charge", "refund", "adjustment")} == \
        {"grant": 150, "charge": 30, "refund": 20, "adjustment": 7}


async def test_verify_finds_nothing_wrong_in_a_busy_ledger(storage):
    for user in ("alice", "bob", "carol"):
        await funded(storage, user, 90)
        for n in range(3):
            await charged(storage, user, 25, f"{user}-job{n}")
    assert await storage.ledger.verify() == []
