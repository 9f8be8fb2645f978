"""The job store contract: double clicks add one job, stale saves are refused, leases are exclusive."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from domain.errors import ConcurrentUpdate
from domain.jobs import JobState
from domain.ledger import EntryKind, charge_key, refund_key
from tests.contract.records import defaults_left, entry, job


async def test_a_job_round_trips_with_every_field(storage):
    added = job(state=JobState.FAILED, error="worker restarted", paid=True, refunded=True, version=3)
    assert defaults_left(added) == []
    await storage.ledger.post(entry("alice", EntryKind.GRANT, 100))
    charge = entry("alice", EntryKind.CHARGE, -30, charge_key(added.id), job_id=added.id)
    await storage.jobs.add(added, charge)
    await storage.ledger.post(entry("alice", EntryKind.REFUND, 30, refund_key(added.id), job_id=added.id,
                                    refund_of=charge.id))
    assert await storage.jobs.get(added.id) == added


async def test_an_unknown_job_is_none(storage):
    assert await storage.jobs.get("no-such-job") is None


async def test_adding_a_job_whose_id_exists_returns_false_and_keeps_the_first(storage):
    first = job()
    assert await storage.jobs.add(first) is True
    assert await storage.jobs.add(replace(first, tool="upscale")) is False
    assert await storage.jobs.get(first.id) == first


async def test_concurrent_adds_of_one_job_store_it_once(storage):
    double_click = job()
    added = await asyncio.gather(*(storage.jobs.add(double_click) for _ in range(10)))
    assert sorted(added) == [False] * 9 + [True]


async def test_saving_stores_the_job_and_returns_it_one_version_later(storage):
    stored = job()
    await storage.jobs.add(stored)
    saved = await storage.jobs.save(stored.to(JobState.CHARGED, 2000.0))
    assert saved.version == 1 and saved.state is JobState.CHARGED
    assert await storage.jobs.get(stored.id) == saved
    assert (await storage.jobs.save(saved.to(JobState.QUEUED, 2001.0))).version == 2


async def test_a_job_saved_with_a_stale_version_raises_concurrent_update(storage):
    stored = job()
    await storage.jobs.add(stored)
    saved = await storage.jobs.save(stored.to(JobState.CHARGED, 2000.0))
    with pytest.raises(ConcurrentUpdate):
        await storage.jobs.save(stored.to(JobState.FAILED, 2001.0))
    assert await storage.jobs.get(stored.id) == saved


async def test_of_two_concurrent_saves_of_one_version_exactly_one_wins(storage):
    stored = job()
    await storage.jobs.add(stored)
    results = await asyncio.gather(storage.jobs.save(stored.to(JobState.CHARGED, 2000.0)),
                                   storage.jobs.save(stored.to(JobState.CANCELLED, 2000.0)),
                                   return_exceptions=True)
    assert sum(isinstance(r, ConcurrentUpdate) for r in results) == 1
    winner = next(r for r in results if not isinstance(r, Exception))
    assert await storage.jobs.get(stored.id) == winner


async def test_unfinished_lists_only_non_terminal_jobs_oldest_first(storage):
    states = [JobState.RUNNING, JobState.SUCCEEDED, JobState.REQUESTED, JobState.FAILED,
              JobState.QUEUED, JobState.CANCELLED, JobState.CHARGED]
    jobs = [job(state=state, created_at=1000.0 + 10 * n) for n, state in enumerate(reversed(states))]
    for each in jobs:
        await storage.jobs.add(each)
    assert await storage.jobs.unfinished() == [j for j in jobs if not j.terminal]


async def test_a_job_that_finishes_leaves_the_unfinished_list(storage):
    stored = job(state=JobState.RUNNING)
    await storage.jobs.add(stored)
    await storage.jobs.save(stored.to(JobState.SUCCEEDED, 2000.0))
    assert await storage.jobs.unfinished() == []


async def test_of_user_lists_newest_first_with_paging_and_a_state_filter(storage):
    mine = [job(state=JobState.SUCCEEDED if n % 2 else JobState.FAILED, created_at=1000.0 + n) for n in range(5)]
    for each in mine + [job(user_id="bob", created_at=2000.0)]:
        await storage.jobs.add(each)
    newest_first = mine[::-1]
    assert await storage.jobs.of_user("alice") == newest_first
    assert await storage.jobs.of_user("alice", limit=2, offset=1) == newest_first[1:3]
    assert await storage.jobs.of_user("alice", state=JobState.SUCCEEDED) == \
        [j for j in newest_first if j.state is JobState.SUCCEEDED]
    assert await storage.jobs.of_user("carol") == []


async def test_count_by_state_counts_every_stored_job(storage):
    for state in (JobState.RUNNING, JobState.RUNNING, JobState.FAILED):
        await storage.jobs.add(job(state=state))
    counts = await storage.jobs.count_by_state()
    assert {state: n for state, n in counts.items() if n} == {"running": 2, "failed": 1}


async def test_claim_is_exclusive_until_it_expires(storage):
    stored = job()
    await storage.jobs.add(stored)
    assert await storage.jobs.claim(stored.id, "worker-a", until=1100.0, now=1000.0)
    assert not await storage.jobs.claim(stored.id, "worker-b", until=1200.0, now=1050.0)
    assert await storage.jobs.claim(stored.id, "worker-a", until=1150.0, now=1060.0)
    assert not await storage.jobs.claim(stored.id, "worker-b", until=1200.0, now=1149.0)
    assert await storage.jobs.claim(stored.id, "worker-b", until=1250.0, now=1150.0)
    assert not await storage.jobs.claim(stored.id, "worker-a", until=1300.0, now=1200.0)


async def test_of_many_concurrent_claims_exactly_one_wins(storage):
    stored = job()
    await storage.jobs.add(stored)
    won = await asyncio.gather(*(storage.jobs.claim(stored.id, f"worker-{n}", until=1100.0, now=1000.0)
                                 for n in range(10)))
    assert sorted(won) == [False] * 9 + [True]


async def test_a_claim_leaves_the_job_itself_unchanged(storage):
    stored = job()
    await storage.jobs.add(stored)
    await storage.jobs.claim(stored.id, "worker-a", until=1100.0, now=1000.0)
    assert await storage.jobs.get(stored.id) == stored
    assert (await storage.jobs.save(stored.to(JobState.CHARGED, 2000.0))).version == 1


async def test_an_unknown_job_cannot_be_claimed(storage):
    assert not await storage.jobs.claim("no-such-job", "worker-a", until=1100.0, now=1000.0)
