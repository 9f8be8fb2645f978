"""Copy every record and blob from one store into another through the ports, then check the copy."""
from __future__ import annotations

import mimetypes
import sys

from tqdm import tqdm

from bootstrap.migrate_records import RECORDS, Census, census, each
from bootstrap.migrate_summary import Summary
from ports.blobs import BlobStore
from ports.storage import Storage

PLACEHOLDER = "migrated:{}"  # an identity for a user who has none; no platform parses it, so nobody signs in with it
BLOB_WIDTH = 4


class MigrationError(Exception):
    """The migration stopped; the message says why and what to do next."""


class MigrationRefused(MigrationError):
    """The migration would harm data or could not work, so nothing was copied."""


async def migrate(source: Storage, target: Storage, source_blobs: BlobStore, target_blobs: BlobStore,
                  force: bool = False) -> Summary:
    """Copy `source` into `target` and compare the two afterwards. Raises MigrationRefused before
    copying anything (a target holding users or blobs, unless `force`), or MigrationError when the
    copy stopped part-way; the same call with force=True then finishes it."""
    before = await census(source, source_blobs)
    await _refuse_unsafe(source, target, target_blobs, force)
    phase = "users"
    try:
        await _copy_users(source, target, before)
        for phase in RECORDS:
            await _copy_records(phase, source, target, before)
        phase = "blobs"
        await copy_blobs(source_blobs, target_blobs, before.blob_keys)
    except MigrationError:
        raise
    except Exception as error:
        raise MigrationError(f"The copy stopped while copying {phase}: {error}. The target holds part of the "
                             "copy; fix the cause and run the same command again with --force to finish it.") from error
    after = await census(target, target_blobs)
    return Summary(before, after, await target.ledger.verify())


async def _refuse_unsafe(source: Storage, target: Storage, target_blobs: BlobStore, force: bool) -> None:
    if problems := await source.ledger.verify():
        raise MigrationRefused(f"The source ledger does not add up for {len(problems)} users (`stationthis ledger "
                               "verify` names them); repair it before migrating. Nothing was copied.")
    users, blobs = len(await target.users.all_ids()), len(await target_blobs.keys())
    if (users or blobs) and not force:
        raise MigrationRefused(f"The target already holds {users} users and {blobs} blobs. Nothing was copied. "
                               "Migrate into an empty store, or pass --force to finish an interrupted "
                               "migration into this one.")


def _bar(phase: str, total: int) -> tqdm:
    return tqdm(total=total, desc=f"{phase:<15}", unit="", file=sys.stderr, dynamic_ncols=True)


async def _copy_users(source: Storage, target: Storage, before: Census) -> None:
    with _bar("users", len(before.users)) as bar:
        async def copy(user_id: str) -> None:
            user = await source.users.get(user_id)
            if user is None:
                raise MigrationError(f"User {user_id} vanished from the source while it was copied.")
            identities = await source.users.identities(user_id) or [PLACEHOLDER.format(user_id)]
            owner = await target.users.add(user, identities[0])
            if owner.id != user_id:
                raise MigrationError(f"In the target, identity {identities[0]} already belongs to another user "
                                     f"({owner.id}): --force finishes a migration into the same target, it does "
                                     "not merge two stores.")
            for identity in identities[1:]:
                await target.users.attach(identity, user_id)
            bar.update()

        await each(before.users, copy)


def _unless_present(repository: str):
    """A writer that adds a record the target lacks (the target may hold it after an interrupted run)."""
    async def write(target: Storage, record) -> None:
        records = getattr(target, repository)
        if await records.get(record.id) is None:
            await records.add(record)
    return write


# Each writer is safe to repeat: a ledger entry whose key stands is replayed (moving nothing),
# a job whose id exists is left alone, settings are overwritten with the same values.
WRITERS = {
    "ledger entries": lambda target, entry: target.ledger.post(entry),
    "jobs": lambda target, job: target.jobs.add(job),
    "datasets": _unless_present("datasets"),
    "training runs": _unless_present("runs"),
    "models": _unless_present("models"),
    "collections": _unless_present("collections"),
    "settings": lambda target, pair: target.settings.put(*pair),
}


async def _copy_records(kind: str, source: Storage, target: Storage, before: Census) -> None:
    """Each user's records in order (oldest first), many users at once."""
    with _bar(kind, before.counts[kind]) as bar:
        async def copy(user_id: str) -> None:
            for record in await RECORDS[kind](source, user_id):
                await WRITERS[kind](target, record)
                bar.update()

        await each(before.users, copy)


async def copy_blobs(source: BlobStore, target: BlobStore, keys: list[str]) -> None:
    """Every blob streamed chunk by chunk, never held whole in memory."""
    with _bar("blobs", len(keys)) as bar:
        async def copy(key: str) -> None:
            content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
            await target.put_stream(key, source.stream(key), content_type)
            bar.update()

        await each(keys, copy, width=BLOB_WIDTH)
