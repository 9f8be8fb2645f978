"""Storage port: one repository per aggregate; each call is one atomic unit of work."""
from __future__ import annotations

from typing import Any, Protocol

from domain.collections import Collection
from domain.credentials import Credential
from domain.identity import LinkCode, User
from domain.jobs import Job, JobState
from domain.ledger import LedgerEntry, Posted
from domain.quotes import PendingQuote
from domain.training import Dataset, Model, TrainingRun
from ports.notifier import StatusMessages


class UserRepository(Protocol):
    async def get(self, user_id: str) -> User | None: ...
    async def add(self, user: User, identity: str) -> User:
        """Store `user` owning `identity`; if the identity already has a user, return that one."""
    async def by_identity(self, identity: str) -> User | None: ...
    async def identities(self, user_id: str) -> list[str]: ...
    async def attach(self, identity: str, user_id: str) -> None:
        """Point `identity` at `user_id` (creating or moving it)."""
    async def all_ids(self) -> list[str]: ...
    async def merge(self, source: str, target: str, points: tuple[LedgerEntry, ...]) -> None:
        """Move everything account `source` holds into `target`: its identities (plus the alias
        `account:<source>`, so what it sent before still has an owner), jobs, training runs, datasets, models
        and collections (renamed where `target` has one of that name), the shares others gave it, its settings
        (where `target` has none of its own) and, by posting `points`, its balance. Raises AccountBusy, having
        changed nothing, while `source` has a job unfinished or owing a refund. One transaction on SQLite; on
        MongoDB every step may be repeated, so calling it again after a crash finishes it."""


class LinkCodeRepository(Protocol):
    async def add(self, code: LinkCode) -> None: ...
    async def peek(self, code: str, now: float) -> LinkCode | None:
        """The code if it is usable now, without using it up."""
    async def consume(self, code: str, now: float) -> LinkCode | None:
        """Mark the code used and return it, atomically; None if unknown, used or expired."""


class CredentialRepository(Protocol):
    """Sessions and API tokens, found by the keyed hash of their secret (the secret itself is never stored)."""

    async def add(self, credential: Credential) -> None: ...
    async def by_digest(self, digest: str) -> Credential | None: ...
    async def of_user(self, user_id: str) -> list[Credential]:
        """Newest first, expired ones included."""
    async def used(self, credential_id: str, when: float) -> None:
        """Record when it was last used."""
    async def delete(self, credential_id: str) -> None: ...
    async def delete_of_user(self, user_id: str) -> int:
        """Delete every session and token of the user; how many there were."""
    async def delete_expired(self, now: float) -> int: ...


class LedgerRepository(Protocol):
    async def post(self, entry: LedgerEntry) -> Posted:
        """Apply the entry and update the balance atomically. An entry whose key already stands
        changes nothing and returns the standing entry (replayed=True). Raises InsufficientPoints,
        RefundRefused (no such charge, or the charge already refunded under another key)."""
    async def balance(self, user_id: str) -> int: ...
    async def entries(self, user_id: str, limit: int = 50, before: float | None = None) -> list[LedgerEntry]: ...
    async def by_key(self, key: str) -> LedgerEntry | None: ...
    async def verify(self) -> list[tuple[str, int, int]]:
        """(user id, stored balance, sum of entries) for every user where the two differ."""
    async def totals(self) -> dict[str, int]:
        """Points moved so far by kind (grant, charge, refund, adjustment), as positive sums."""
    async def of_jobs(self) -> list[LedgerEntry]:
        """Every entry that names a job (charges and refunds), oldest first (for the audit)."""


class JobRepository(Protocol):
    """A job's money moves with its state: a charge is stored with the new job, a refund with its end."""

    async def add(self, job: Job, charge: LedgerEntry | None = None) -> bool:
        """Store a new job and post its charge as one: False (nothing stored or charged) if a job with that
        id exists; InsufficientPoints (nothing stored) if the balance cannot cover it. Where the two cannot
        be one write (MongoDB) the job waits in `requested`, hidden from its owner, until the charge stands;
        adding it again finishes (or, without the points, removes) a job a crash left there."""
    async def get(self, job_id: str) -> Job | None: ...
    async def save(self, job: Job, refund: LedgerEntry | None = None, durable: bool = True) -> Job:
        """Store `job` if the stored version equals job.version; returns it with version + 1.
        Raises ConcurrentUpdate otherwise. With `refund` (and job.refunded set), the refund is posted
        with it and the job returned as finally stored (MongoDB writes it twice): in one transaction (SQLite),
        or after the job is stored still owing it, so that a crash in between leaves a job that `unsettled()`
        lists (MongoDB). `durable=False` lets a store skip syncing a save that a power cut may undo because the
        station redoes it after a restart (queued, running, progress); a refund is always durable."""
    async def unfinished(self) -> list[Job]:
        """Every job not in a terminal state, oldest first."""
    async def unsettled(self) -> list[Job]:
        """Every failed or cancelled job that was paid for and not yet refunded, oldest first."""
    async def all(self) -> list[Job]:
        """Every job, oldest first (for the audit)."""
    async def of_user(self, user_id: str, limit: int = 20, offset: int = 0,
                      state: JobState | None = None) -> list[Job]:
        """The user's jobs, newest first; never one still waiting for its charge."""
    async def count_by_state(self) -> dict[str, int]: ...
    async def claim(self, job_id: str, owner: str, until: float, now: float) -> bool:
        """Take the right to act on a job until `until`; False while another owner holds it."""


class DatasetRepository(Protocol):
    async def add(self, dataset: Dataset) -> None: ...
    async def get(self, dataset_id: str) -> Dataset | None: ...
    async def by_name(self, owner: str, name: str) -> Dataset | None: ...
    async def save(self, dataset: Dataset) -> None: ...
    async def delete(self, dataset_id: str) -> None: ...
    async def of_user(self, owner: str) -> list[Dataset]: ...


class TrainingRunRepository(Protocol):
    async def add(self, run: TrainingRun) -> None: ...
    async def get(self, run_id: str) -> TrainingRun | None: ...
    async def by_job(self, job_id: str) -> TrainingRun | None: ...
    async def save(self, run: TrainingRun) -> None: ...
    async def of_user(self, owner: str) -> list[TrainingRun]: ...


class ModelRepository(Protocol):
    async def add(self, model: Model) -> None: ...
    async def get(self, model_id: str) -> Model | None: ...
    async def save(self, model: Model) -> None: ...
    async def by_name(self, name: str) -> list[Model]: ...
    async def visible_to(self, user_id: str) -> list[Model]:
        """The user's own models, those shared with them, and public ones."""


class CollectionRepository(Protocol):
    async def add(self, collection: Collection) -> None: ...
    async def get(self, collection_id: str) -> Collection | None: ...
    async def save(self, collection: Collection) -> None: ...
    async def delete(self, collection_id: str) -> None: ...
    async def visible_to(self, user_id: str) -> list[Collection]:
        """Owned by or shared with the user."""
    async def by_link(self, token: str) -> Collection | None: ...


class QuoteRepository(Protocol):
    async def add(self, quote: PendingQuote) -> None:
        """Store it; a quote with this id already stored stays as it was."""
    async def get(self, quote_id: str) -> PendingQuote | None: ...
    async def delete(self, quote_id: str) -> None: ...
    async def prune(self, before: float) -> None:
        """Forget every quote offered before `before`."""


class SettingsRepository(Protocol):
    async def get(self, user_id: str) -> dict[str, Any]: ...
    async def put(self, user_id: str, values: dict[str, Any]) -> None: ...


class Storage(Protocol):
    """The repositories are read-only members, so a store may hold its own repository classes."""

    @property
    def users(self) -> UserRepository: ...
    @property
    def link_codes(self) -> LinkCodeRepository: ...
    @property
    def credentials(self) -> CredentialRepository: ...
    @property
    def ledger(self) -> LedgerRepository: ...
    @property
    def jobs(self) -> JobRepository: ...
    @property
    def datasets(self) -> DatasetRepository: ...
    @property
    def runs(self) -> TrainingRunRepository: ...
    @property
    def models(self) -> ModelRepository: ...
    @property
    def collections(self) -> CollectionRepository: ...
    @property
    def settings(self) -> SettingsRepository: ...
    @property
    def quotes(self) -> QuoteRepository: ...
    @property
    def status_messages(self) -> StatusMessages: ...

    async def open(self) -> None:
        """Connect and bring the schema (or indexes) up to date; fail fast with a clear message."""
    async def close(self) -> None: ...
    async def ping(self) -> None:
        """Raise if the store cannot answer; ports.space.StorageFull if it answers but has no room for writes."""
