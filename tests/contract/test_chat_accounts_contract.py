"""The chat's storage contract: link codes looked at without being used, quotes kept for a yes, accounts joined."""
from __future__ import annotations

from dataclasses import replace

import pytest

from domain.errors import AccountBusy
from domain.identity import LinkCode
from domain.jobs import JobState
from domain.ledger import EntryKind
from domain.merging import alias_of
from domain.quotes import PendingQuote
from tests.contract.records import collection, dataset, defaults_left, entry, job, model, run
from tests.contract.test_accounts_contract import user


async def test_a_link_code_can_be_looked_at_without_using_it_up(storage):
    await storage.users.add(user("alice"), "telegram:1")
    await storage.link_codes.add(LinkCode("ABCD2345", "alice", expires_at=2000.0))
    assert await storage.link_codes.peek("ABCD2345", now=1000.0) == LinkCode("ABCD2345", "alice", 2000.0)
    assert await storage.link_codes.peek("ABCD2345", now=2000.0) is None  # expired
    assert (await storage.link_codes.consume("ABCD2345", now=1000.0)).used
    assert await storage.link_codes.peek("ABCD2345", now=1000.0) is None  # used
    assert await storage.link_codes.peek("NOSUCH99", now=1000.0) is None


def quote(quote_id: str = "q1", created_at: float = 1000.0) -> PendingQuote:
    return PendingQuote(id=quote_id, user_id="alice", tool="txt2img", values={"prompt": "a fox", "steps": 30},
                        price=27, created_at=created_at, request_key="telegram:1:7", parent_id="job0",
                        action="reroll")


async def test_a_quote_round_trips_is_kept_once_and_forgotten_when_deleted_or_old(storage):
    offered = quote()
    assert defaults_left(offered) == ["balance"]  # the balance when offered is never stored
    await storage.quotes.add(offered)
    await storage.quotes.add(replace(offered, price=99))
    assert await storage.quotes.get("q1") == offered  # a second add of the same id changes nothing
    await storage.quotes.add(quote("q2", created_at=5000.0))
    await storage.quotes.prune(before=2000.0)
    assert await storage.quotes.get("q1") is None and await storage.quotes.get("q2") is not None
    await storage.quotes.delete("q2")
    assert await storage.quotes.get("q2") is None


async def _two_accounts(storage):
    """Bob joins Alice: each has a result, a training run, a dataset, a model and a collection named alike."""
    await storage.users.add(user("alice"), "telegram:1")
    await storage.users.add(user("bob", 1001.0), "discord:2")
    await storage.users.attach("discord:3", "bob")
    await storage.ledger.post(entry("alice", EntryKind.GRANT, 10))
    await storage.ledger.post(entry("bob", EntryKind.GRANT, 40))
    for owner in ("alice", "bob"):
        await storage.jobs.add(job(owner, state=JobState.SUCCEEDED, id=f"job-{owner}", failure=None))
        await storage.runs.add(run(owner, id=f"run-{owner}"))
        await storage.datasets.add(dataset(owner, name="pets"))
        await storage.models.add(model(owner, name="cat", id=f"model-{owner}"))
        await storage.collections.add(collection(owner, name="Saved", id=f"col-{owner}"))
    await storage.collections.add(collection("carol", name="Shared", id="col-carol", shared_with={"bob": "edit"},
                                             visibility="shared"))
    await storage.settings.put("alice", {"steps": 30})
    await storage.settings.put("bob", {"steps": 12, "cfg": 5.0})


def _moving(balance: int) -> tuple:
    return (entry("bob", EntryKind.ADJUSTMENT, -balance, "join-out:bob"),
            entry("alice", EntryKind.ADJUSTMENT, balance, "join-in:bob"))


async def test_joining_an_account_moves_everything_it_holds_into_the_surviving_one(storage):
    await _two_accounts(storage)
    await storage.users.merge("bob", "alice", _moving(40))

    assert await storage.ledger.balance("alice") == 50 and await storage.ledger.balance("bob") == 0
    assert (await storage.jobs.get("job-bob")).user_id == "alice"
    assert {j.id for j in await storage.jobs.of_user("alice")} == {"job-alice", "job-bob"}
    assert {r.id for r in await storage.runs.of_user("alice")} == {"run-alice", "run-bob"}
    assert sorted(d.name for d in await storage.datasets.of_user("alice")) == ["pets", "pets_2"]
    assert sorted(m.name for m in await storage.models.visible_to("alice") if m.owner == "alice") == ["cat", "cat_2"]
    mine = {c.id: c for c in await storage.collections.visible_to("alice")}
    assert sorted(c.name for c in mine.values() if c.owner == "alice") == ["Saved", "Saved_2"]
    assert mine["col-carol"].shared_with == {"alice": "edit"}  # what Carol shared with Bob, she shares with Alice
    assert await storage.collections.visible_to("bob") == []
    assert await storage.settings.get("alice") == {"steps": 30, "cfg": 5.0}  # Alice's own choices win
    assert sorted(await storage.users.identities("alice")) == [alias_of("bob"), "discord:2", "discord:3",
                                                                  "telegram:1"]
    assert (await storage.users.by_identity(alias_of("bob"))).id == "alice"


async def test_joining_again_after_it_was_done_moves_nothing_twice(storage):
    await _two_accounts(storage)
    await storage.users.merge("bob", "alice", _moving(40))
    await storage.users.merge("bob", "alice", _moving(40))  # a crash made the caller repeat it
    assert await storage.ledger.balance("alice") == 50
    assert len(await storage.datasets.of_user("alice")) == 2


async def test_an_account_with_work_still_running_is_not_joined_and_nothing_moves(storage):
    await _two_accounts(storage)
    await storage.jobs.add(job("bob", state=JobState.RUNNING, id="job-running", paid=True), entry(
        "bob", EntryKind.CHARGE, -30, "charge:job-running", job_id="job-running"))
    with pytest.raises(AccountBusy, match="1 job running or waiting"):
        await storage.users.merge("bob", "alice", _moving(10))
    assert await storage.ledger.balance("alice") == 10 and await storage.ledger.balance("bob") == 10
    assert (await storage.jobs.get("job-bob")).user_id == "bob"
    assert await storage.users.by_identity("discord:2") == user("bob", 1001.0)
