"""`stationthis storage migrate`: copy one store (SQLite or MongoDB) into another, then prove the copy whole."""
from __future__ import annotations

import sys
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

from pymongo.errors import PyMongoError

from adapters.storage.mongo.connection import DEFAULT_DATABASE, describe, scrub
from bootstrap.migrate import MigrationError, MigrationRefused, migrate
from domain.errors import DomainError
from ports.blobs import BlobStore
from ports.storage import Storage

MONGODB = ("mongodb://", "mongodb+srv://")
SQLITE = "sqlite:///"


def add_cli(subparsers) -> None:
    commands = subparsers.add_parser("storage", help="move everything to another store").add_subparsers(
        title="storage commands")
    command = commands.add_parser(
        "migrate", help="copy every record and blob into an empty store, then verify the copy",
        description="Copy users, identities, the ledger, jobs, datasets, training runs, models, collections, "
                    "settings and blobs from one store into another, then compare the two. Stop the bots first.")
    command.add_argument("--from", dest="source", required=True, metavar="URL",
                         help="sqlite:///path/to/file.sqlite3 or mongodb://host/database")
    command.add_argument("--to", dest="target", required=True, metavar="URL", help="the store to fill")
    command.add_argument("--force", action="store_true",
                         help="write into a target that already holds users or blobs (to finish an interrupted run)")
    command.add_argument("--from-blobs", metavar="DIR", help="the source's blob folder (default: 'blobs' beside "
                                                             "the SQLite file)")
    command.add_argument("--to-blobs", metavar="DIR", help="the target's blob folder (default: 'blobs' beside "
                                                           "the SQLite file)")
    command.set_defaults(handler=storage_migrate)


@dataclass(frozen=True)
class Store:
    """Where records and blobs live: an SQLite file and a blob folder, or one MongoDB database (with GridFS)."""

    url: str
    blob_dir: Path | None = None

    @property
    def path(self) -> Path:
        return Path(self.url.removeprefix(SQLITE)).resolve()

    @property
    def where(self) -> str:
        return f"{self.path} (blobs in {self.blob_dir})" if self.blob_dir else describe(self.url)

    def place(self) -> tuple[str, ...]:
        """What names the data: the SQLite file, or the MongoDB hosts and database (not the credentials)."""
        if self.blob_dir is not None:
            return ("sqlite", str(self.path))
        hosts, _, database = describe(self.url).partition("://")[2].partition("/")
        return ("mongodb", hosts.lower(), database or DEFAULT_DATABASE)


def parse_store(url: str, blobs: str | None, flag: str) -> Store:
    if url.startswith(MONGODB):
        if blobs:
            raise MigrationRefused(f"{flag}-blobs applies to SQLite stores; MongoDB keeps its blobs in GridFS.")
        return Store(url)
    if url.startswith(SQLITE) and url != SQLITE:
        path = Path(url.removeprefix(SQLITE)).resolve()
        return Store(url, Path(blobs).resolve() if blobs else path.parent / "blobs")
    raise MigrationRefused(f"{flag} takes sqlite:///path/to/file.sqlite3 or mongodb://host/database.")


async def open_store(stack: AsyncExitStack, store: Store, source: bool) -> tuple[Storage, BlobStore]:
    """(storage, blobs), opened, closed by `stack`. A source must exist already: nothing is created there."""
    storage: Storage
    blobs: BlobStore
    if store.blob_dir is None:
        from adapters.blobs.gridfs import GridFSBlobStore
        from adapters.storage.mongo.storage import MongoStorage

        storage, blobs = MongoStorage(store.url), GridFSBlobStore(store.url)
        stack.callback(blobs.close)
    else:
        from adapters.blobs.filesystem import FilesystemBlobStore
        from adapters.storage.sqlite.storage import SqliteStorage

        if source and not store.path.is_file():
            raise MigrationRefused(f"There is no SQLite store at {store.path}.")
        if source and not store.blob_dir.is_dir():
            raise MigrationRefused(f"There is no blob folder at {store.blob_dir}; name it with --from-blobs DIR.")
        if not source:
            store.path.parent.mkdir(parents=True, exist_ok=True)
        storage, blobs = SqliteStorage(str(store.path)), FilesystemBlobStore(str(store.blob_dir))
    await storage.open()
    stack.push_async_callback(storage.close)
    return storage, blobs


async def storage_migrate(config, args) -> int:
    try:
        source = parse_store(args.source, args.from_blobs, "--from")
        target = parse_store(args.target, args.to_blobs, "--to")
        if source.place() == target.place():
            raise MigrationRefused("--from and --to name the same store; a store cannot be migrated into itself.")
        if source.blob_dir is not None and source.blob_dir == target.blob_dir:
            raise MigrationRefused(f"Both stores would keep their blobs in {source.blob_dir}; name another "
                                   "folder with --to-blobs DIR, or put the target file in another folder.")
        async with AsyncExitStack() as stack:
            source_storage, source_blobs = await open_store(stack, source, source=True)
            target_storage, target_blobs = await open_store(stack, target, source=False)
            print(f"migrating {source.where} -> {target.where}", file=sys.stderr)
            summary = await migrate(source_storage, target_storage, source_blobs, target_blobs, force=args.force)
    except (MigrationError, DomainError, ConnectionError, RuntimeError, ValueError, OSError, PyMongoError) as error:
        print(f"error: {scrub(scrub(str(error), args.source), args.target)}", file=sys.stderr)
        return 1
    print("\n".join(summary.lines()))
    return 0 if summary.ok else 1
