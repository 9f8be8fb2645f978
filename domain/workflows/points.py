"""Points: grants, balances and history, and the one place jobs are charged and refunded."""
from __future__ import annotations

from domain.errors import DomainError
from domain.jobs import Job
from domain.ledger import EntryKind, LedgerEntry, Posted, charge_key, refund_key
from ports.clock import Clock, Ids
from ports.storage import Storage


class Points:
    def __init__(self, storage: Storage, clock: Clock, ids: Ids):
        self.storage, self.clock, self.ids = storage, clock, ids

    async def balance(self, user_id: str) -> int:
        return await self.storage.ledger.balance(user_id)

    async def history(self, user_id: str, limit: int = 20, before: float | None = None) -> list[LedgerEntry]:
        return await self.storage.ledger.entries(user_id, limit=limit, before=before)

    async def grant(self, user_id: str, amount: int, reason: str = "grant", key: str | None = None) -> Posted:
        if amount <= 0:
            raise DomainError(f"A grant must be a positive whole number of points, got {amount}.")
        return await self._post(user_id, EntryKind.GRANT, amount, key or f"grant:{self.ids.new_id()}", reason)

    async def adjust(self, user_id: str, amount: int, reason: str, key: str | None = None) -> Posted:
        return await self._post(user_id, EntryKind.ADJUSTMENT, amount, key or f"adjust:{self.ids.new_id()}", reason)

    def charge_entry(self, job: Job) -> LedgerEntry | None:
        """The entry that takes the quoted price for `job`, stored with the job itself; None if it is free."""
        if job.price == 0:
            return None
        return self._entry(job.user_id, EntryKind.CHARGE, -job.price, charge_key(job.id), f"/{job.tool}", job.id)

    async def refund_entry(self, job: Job, reason: str) -> LedgerEntry | None:
        """The entry that returns what `job` was charged, under its one refund key; None if nothing was."""
        charge = await self.storage.ledger.by_key(charge_key(job.id))
        if charge is None or charge.amount == 0:
            return None
        return self._entry(job.user_id, EntryKind.REFUND, -charge.amount, refund_key(job.id), reason[:200],
                           job.id, refund_of=charge.id)

    async def _post(self, user_id: str, kind: EntryKind, amount: int, key: str, reason: str) -> Posted:
        return await self.storage.ledger.post(self._entry(user_id, kind, amount, key, reason))

    def _entry(self, user_id: str, kind: EntryKind, amount: int, key: str, reason: str,
               job_id: str | None = None, refund_of: str | None = None) -> LedgerEntry:
        return LedgerEntry(id=self.ids.new_id(), user_id=user_id, kind=kind, amount=amount, key=key, reason=reason,
                           created_at=self.clock.now(), job_id=job_id, refund_of=refund_of)
