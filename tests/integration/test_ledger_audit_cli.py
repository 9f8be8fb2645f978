"""`stationthis ledger verify` audits jobs as well as balances; `ledger repair` settles what a crash left, once."""
import asyncio
from dataclasses import replace

from adapters.storage.sqlite.storage import SqliteStorage
from domain.jobs import Job, JobState
from domain.ledger import EntryKind, LedgerEntry, charge_key
from tests.integration.test_cli import cli


async def _store_a_failed_job_whose_refund_a_crash_lost(path) -> None:
    storage = SqliteStorage(str(path))
    await storage.open()
    try:
        user = (await storage.users.by_identity("web:alice")).id
        job = Job(id="lostrefund", user_id=user, tool="txt2img", kind="image", params={}, price=7,
                  state=JobState.CHARGED, created_at=1.0, updated_at=1.0, paid=True)
        await storage.jobs.add(job, LedgerEntry(id="c1", user_id=user, kind=EntryKind.CHARGE, amount=-7,
                                                key=charge_key(job.id), reason="/txt2img", created_at=1.0,
                                                job_id=job.id))
        await storage.jobs.save(replace(job, state=JobState.FAILED, error="worker lost"))
    finally:
        await storage.close()


def test_verify_names_a_lost_refund_and_repair_settles_it_exactly_once(tmp_path):
    cli(tmp_path, "points", "grant", "web:alice", "100")
    asyncio.run(_store_a_failed_job_whose_refund_a_crash_lost(tmp_path / "var" / "stationthis.sqlite3"))

    found = cli(tmp_path, "ledger", "verify")
    assert found.returncode == 1
    assert "VIOLATION job lostrefund: failed, and its refund is not settled (repairable)" in found.stdout
    assert found.stdout.strip().splitlines()[-1].startswith("ledger FAILED: 0 mismatched balances, 1 job violations")

    repaired = cli(tmp_path, "ledger", "repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "fixed: job lostrefund: refunded" in repaired.stdout
    assert cli(tmp_path, "points", "show", "web:alice").stdout.strip().splitlines()[-1] == "100"
    again = cli(tmp_path, "ledger", "repair")
    assert again.returncode == 0 and "repair done: 0 fixed" in again.stdout
    assert cli(tmp_path, "ledger", "verify").returncode == 0
