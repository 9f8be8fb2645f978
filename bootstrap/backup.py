"""`stationthis backup DEST`: a consistent copy of a running station's SQLite store, blobs and web secret."""
from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

from tqdm import tqdm

from adapters.blobs.filesystem import FilesystemBlobStore
from adapters.storage.sqlite.backup import copy_database
from bootstrap.config import Config
from bootstrap.migrate import copy_blobs
from bootstrap.web import SECRET_FILE
from ports.space import StorageFull

DATABASE = "stationthis.sqlite3"
MONGODB_ADVICE = ("STATIONTHIS_STORAGE is MongoDB, which `stationthis backup` does not copy. Back it up with "
                  "MongoDB's own tool, which includes the GridFS blobs: mongodump --uri=\"$STATIONTHIS_STORAGE\" "
                  "--gzip --archive=stationthis.archive (restore with mongorestore --gzip "
                  "--archive=stationthis.archive), and keep WEB_SECRET_KEY (or {secret}) with it.")


class BackupRefused(Exception):
    """The backup cannot be made as asked; nothing was written."""


def add_cli(subparsers) -> None:
    command = subparsers.add_parser(
        "backup", help="copy the SQLite store, blobs and web secret into a new folder, safe while running",
        description="Copies the database with SQLite's online backup API (one consistent moment, while the "
                    "station keeps running), then the blobs and the web secret key, into DEST laid out as a data "
                    "folder: restore by pointing STATIONTHIS_DATA_DIR at it. DEST must not exist yet.")
    command.add_argument("dest", metavar="DEST", type=Path, help="a folder that does not exist yet")
    command.set_defaults(handler=backup)


async def backup(config: Config, args) -> int:
    dest = args.dest.resolve()
    try:
        _refuse_unsafe(config, dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.parent))
        try:
            summary = await _copy_into(config, work)
            _refuse_unsafe(config, dest)  # somebody may have made DEST meanwhile
            work.rename(dest)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    except (BackupRefused, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except StorageFull as error:
        print(f"error: no room left for the backup in {dest.parent} ({error}); nothing was kept.", file=sys.stderr)
        return 1
    print(f"backup ok: {dest} holds {summary}; restore it by pointing STATIONTHIS_DATA_DIR at it")
    return 0


def _refuse_unsafe(config: Config, dest: Path) -> None:
    if config.storage_kind == "mongodb":
        raise BackupRefused(MONGODB_ADVICE.format(secret=config.data_dir / SECRET_FILE))
    if dest.exists():
        raise BackupRefused(f"{dest} already exists and a backup never overwrites anything: name a new folder.")
    if dest.is_relative_to(config.blob_dir):
        raise BackupRefused(f"{dest} is inside the blob folder {config.blob_dir}: put the backup elsewhere.")


async def _copy_into(config: Config, work: Path) -> str:
    """The database first (its moment is the backup's), then every blob, which is never changed once written."""
    with tqdm(desc=f"{'database':<15}", unit=" pages", file=sys.stderr, dynamic_ncols=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.total, bar.n = total, done
            bar.refresh()

        size = await asyncio.to_thread(copy_database, config.sqlite_path, work / DATABASE, progress)
    source, target = FilesystemBlobStore(str(config.blob_dir)), FilesystemBlobStore(str(work / "blobs"))
    keys = await source.keys()
    await copy_blobs(source, target, keys)
    secret = config.data_dir / SECRET_FILE
    if secret.is_file():
        shutil.copy2(secret, work / SECRET_FILE)
    return (f"the database ({size / 1e6:.1f} MB), {len(keys)} blob{'' if len(keys) == 1 else 's'}"
            + (" and the web secret key" if secret.is_file() else ""))
