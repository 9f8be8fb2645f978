"""FilesystemBlobStore: blobs as files under one root, written atomically, never outside it."""
from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, AsyncIterator

from ports.blobs import check_blob_key
from ports.space import StorageFull, out_of_space

CHUNK = 64 * 1024
# Keys may not start a segment with "." (that rules out "." and ".."), so this folder is never a key.
PARTIAL = ".partial"


class FilesystemBlobStore:
    def __init__(self, root: str):
        self.root = Path(root).resolve()
        (self.root / PARTIAL).mkdir(parents=True, exist_ok=True)

    async def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        with self._full_disk_reported(key):
            await asyncio.to_thread(self._write, key, data)

    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> int:
        target = await asyncio.to_thread(self._path, key)
        with self._full_disk_reported(key):
            file = await asyncio.to_thread(self._open_partial)
            size = 0
            try:
                async for chunk in chunks:
                    await asyncio.to_thread(file.write, chunk)
                    size += len(chunk)
                await asyncio.to_thread(self._commit, file, target)
            except BaseException:
                _discard(file)
                raise
        return size

    async def get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self._read, key)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise KeyError(key) from None

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        try:
            file = await asyncio.to_thread(self._open, key)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise KeyError(key) from None
        try:
            while chunk := await asyncio.to_thread(file.read, CHUNK):
                yield chunk
        finally:
            file.close()

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._is_file, key)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._unlink, key)

    async def keys(self) -> list[str]:
        return await asyncio.to_thread(self._keys)

    # Resolving a key's path reads every folder on the way, so it is done on the thread, never on the event loop's.
    def _path(self, key: str) -> Path:
        segments = check_blob_key(key).split("/")
        path = self.root.joinpath(*segments).resolve()
        if not path.is_relative_to(self.root) or path == self.root:  # a symlink inside root pointing out
            raise ValueError(f"Blob key {key!r} leads outside the store.")
        return path

    @contextmanager
    def _full_disk_reported(self, key: str):
        try:
            yield
        except OSError as error:
            if out_of_space(error):
                raise StorageFull(f"The blob folder {self.root} is full (writing {key}): free space on its disk; "
                                  "writes resume by themselves once there is room.") from error
            raise

    def _open_partial(self) -> IO[bytes]:
        return tempfile.NamedTemporaryFile(dir=self.root / PARTIAL, delete=False)

    def _read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def _open(self, key: str) -> IO[bytes]:
        return self._path(key).open("rb")

    def _is_file(self, key: str) -> bool:
        return self._path(key).is_file()

    def _unlink(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def _write(self, key: str, data: bytes) -> None:
        """Few system calls: a thread returning from each one waits for the interpreter while the loop is busy."""
        target, partial = self._path(key), self.root / PARTIAL / secrets.token_hex(8)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try:
                rest = memoryview(data)
                while rest:
                    rest = rest[os.write(fd, rest):]
                os.fsync(fd)
            finally:
                os.close(fd)
            _move(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    @staticmethod
    def _commit(file: IO[bytes], target: Path) -> None:
        file.flush()
        os.fsync(file.fileno())
        file.close()
        _move(Path(file.name), target)

    def _keys(self) -> list[str]:
        found = []
        for folder, subfolders, files in os.walk(self.root):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            relative = Path(folder).relative_to(self.root)
            found += [(relative / name).as_posix() for name in files if not name.startswith(".")]
        return sorted(found)


def _move(partial: Path, target: Path) -> None:
    """Into place, durably: a rename (or a new folder) is on disk only once the folder holding it is synced, and the
    job that names the file is saved right after. New folders are synced after the rename, deepest first, so the
    file system writes the folders and the rename in one journal commit and the later syncs find little to do."""
    made: list[Path] = []
    try:
        os.replace(partial, target)
    except FileNotFoundError:  # the first file in its folder
        made = _make_folders(target.parent)
        os.replace(partial, target)
    _sync_folder(target.parent)
    for folder in made:
        _sync_folder(folder.parent)


def _make_folders(folder: Path) -> list[Path]:
    """Make the missing folders down to `folder`, unsynced; the folders made, deepest first."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        new.mkdir(exist_ok=True)
    return missing


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard(file: IO[bytes]) -> None:
    try:
        file.close()
    except OSError:  # a full disk refuses the last flush too; the partial file goes all the same
        pass
    Path(file.name).unlink(missing_ok=True)
