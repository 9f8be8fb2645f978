"""The job-money contract: a job is stored with its charge or not at all; an ended job carries its refund."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from domain.errors import InsufficientPoints
from domain.jobs import JobState
from domain.ledger import EntryKind, charge_key, refund_key
from tests.contract.records import entry, job


async def _funded(storage, amount: int = 100) -> None:
    await storage.ledger.post(entry("alice", EntryKind.GRANT, amount))


def _charged(**fields):
    new = job(state=JobState.CHARGED, paid=True, worker=None, outputs=(), **fields)
    return new, entry("alice", EntryKind.CHARGE, -new.price, charge_key(new.id), job_id=new.id)


async def test_a_job_added_with_its_charge_is_stored_and_paid_for_at_once(storage):
    await _funded(storage)
    added, charge = _charged()
    assert await storage.jobs.add(added, charge) is True
    assert await storage.jobs.get(added.id) == added
    assert await storage.ledger.balance("alice") == 70
    assert await storage.ledger.by_key(charge_key(added.id)) == charge


async def test_a_job_the_balance_cannot_cover_is_neither_stored_nor_charged(storage):
    await _funded(storage, 10)
    added, charge = _charged()
    with pytest.raises(InsufficientPoints):
        await storage.jobs.add(added, charge)
    assert await storage.jobs.get(added.id) is None
    assert await storage.ledger.balance("alice") == 10 and await storage.jobs.of_user("alice") == []


async def test_concurrent_adds_of_one_charged_job_store_it_and_charge_it_once(storage):
    await _funded(storage)
    added, charge = _charged()
    results = await asyncio.gather(*(storage.jobs.add(added, replace(charge, id=f"c{n}")) for n in range(8)))
    assert results.count(True) == 1
    assert await storage.ledger.balance("alice") == 70


async def test_adding_again_finishes_a_job_a_crash_left_waiting_for_its_charge(storage):
    await _funded(storage)
    added, charge = _charged()
    await storage.jobs.add(replace(added, state=JobState.REQUESTED, paid=False))
    assert await storage.jobs.of_user("alice") == []  # waiting for its charge: not in its owner's list
    assert await storage.jobs.add(added, charge) is True
    assert (await storage.jobs.get(added.id)).state is JobState.CHARGED
    assert await storage.ledger.balance("alice") == 70


async def test_a_job_ended_with_its_refund_is_refunded_once_and_owes_nothing(storage):
    await _funded(storage)
    added, charge = _charged()
    await storage.jobs.add(added, charge)
    failed = added.to(JobState.FAILED, 2000.0, error="worker lost", refunded=True)
    refund = entry("alice", EntryKind.REFUND, 30, refund_key(added.id), job_id=added.id, refund_of=charge.id)
    saved = await storage.jobs.save(failed, refund)
    assert saved.refunded and saved == await storage.jobs.get(added.id)
    assert await storage.ledger.balance("alice") == 100
    assert await storage.jobs.unsettled() == []


async def test_unsettled_lists_ended_paid_jobs_whose_refund_is_not_recorded(storage):
    await _funded(storage)
    added, charge = _charged()
    await storage.jobs.add(added, charge)
    owing = await storage.jobs.save(added.to(JobState.FAILED, 2000.0, error="crash before the refund"))
    assert await storage.jobs.unsettled() == [owing]
    refund = entry("alice", EntryKind.REFUND, 30, refund_key(added.id), job_id=added.id, refund_of=charge.id)
    await storage.jobs.save(replace(owing, refunded=True), refund)
    assert await storage.jobs.unsettled() == []


async def test_all_and_of_jobs_list_every_job_and_every_entry_naming_one(storage):
    await _funded(storage)
    added, charge = _charged()
    await storage.jobs.add(added, charge)
    assert await storage.jobs.all() == [added]
    assert await storage.ledger.of_jobs() == [charge]
