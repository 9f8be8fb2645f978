"""GridFSBlobStore: blobs in MongoDB GridFS (bucket `blobs`, filename = key), streamed one chunk at a time."""
from __future__ import annotations

import asyncio
import datetime
from typing import Any, AsyncIterator, Awaitable, Callable

import pymongo
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel

from ports.blobs import check_blob_key

BUCKET = "blobs"
CHUNK = 255 * 1024
BATCH = 4  # chunks fetched per round trip when reading
NEWEST = [("uploadDate", DESCENDING), ("_id", DESCENDING)]


class GridFSBlobStore:
    """Writes the GridFS layout itself (chunks first, then the file document that makes them visible)
    because pymongo's GridIn buffers up to 48 MB before writing; any GridFS tool can read the result.
    A put adds a new revision and then deletes the older ones, so readers see the old bytes or the
    new, never a mix; a reader still streaming an old revision when it is deleted gets an IOError.
    `client_factory(url, **options)` makes the client (pymongo.MongoClient, or mongomock's in tests);
    `run_blocking(fn, *args)` runs each driver call off the event loop (a thread by default)."""

    def __init__(self, url: str, client_factory: Callable[..., Any] = pymongo.MongoClient,
                 run_blocking: Callable[..., Awaitable[Any]] = asyncio.to_thread, timeout_s: float = 5.0):
        self._client = client_factory(url, serverSelectionTimeoutMS=int(timeout_s * 1000), appname="stationthis")
        db = self._client.get_default_database(default="stationthis")
        self._files, self._chunks = db[f"{BUCKET}.files"], db[f"{BUCKET}.chunks"]
        self._run = run_blocking
        self._indexed = False

    async def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        await self.put_stream(key, _one(data), content_type)

    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> int:
        check_blob_key(key)
        await self._ensure_indexes()
        file_id, size, n, pending = ObjectId(), 0, 0, bytearray()
        try:
            async for piece in chunks:
                pending += piece
                size += len(piece)
                while len(pending) >= CHUNK:
                    await self._write_chunk(file_id, n, pending[:CHUNK])
                    del pending[:CHUNK]
                    n += 1
            if pending:
                await self._write_chunk(file_id, n, pending)
            await self._run(self._files.insert_one, {
                "_id": file_id, "filename": key, "length": size, "chunkSize": CHUNK,
                "uploadDate": datetime.datetime.now(datetime.timezone.utc), "metadata": {"contentType": content_type}})
        except BaseException:
            await asyncio.shield(self._run(self._chunks.delete_many, {"files_id": file_id}))
            raise
        await self._prune(key, keep_newest=True)
        return size

    async def get(self, key: str) -> bytes:
        return b"".join([chunk async for chunk in self.stream(key)])

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        file = await self._run(self._files.find_one, {"filename": check_blob_key(key)}, sort=NEWEST)
        if file is None:
            raise KeyError(key)
        cursor = self._chunks.find({"files_id": file["_id"]}, sort=[("n", ASCENDING)], batch_size=BATCH)
        n = read = 0
        try:
            while (chunk := await self._run(next, cursor, None)) is not None:
                if chunk["n"] != n:
                    break
                n, read = n + 1, read + len(chunk["data"])
                yield bytes(chunk["data"])
        finally:
            cursor.close()
        if read != file["length"]:
            raise IOError(f"Blob {key!r} was replaced or deleted while it was being read.")

    async def exists(self, key: str) -> bool:
        return await self._run(self._files.find_one, {"filename": check_blob_key(key)}, {"_id": 1}) is not None

    async def delete(self, key: str) -> None:
        await self._prune(check_blob_key(key), keep_newest=False)

    async def keys(self) -> list[str]:
        return sorted(await self._run(self._files.distinct, "filename"))

    def close(self) -> None:
        self._client.close()

    async def _write_chunk(self, file_id: ObjectId, n: int, data: bytearray) -> None:
        await self._run(self._chunks.insert_one, {"files_id": file_id, "n": n, "data": bytes(data)})

    async def _prune(self, key: str, keep_newest: bool) -> None:
        """Delete the revisions of `key`, all or all but the newest. Two puts racing agree on which
        is newest, so one of them always survives."""
        found = await self._run(lambda: [doc["_id"] for doc in self._files.find({"filename": key}, {"_id": 1},
                                                                                sort=NEWEST)])
        stale = found[1:] if keep_newest else found
        if stale:
            await self._run(self._files.delete_many, {"_id": {"$in": stale}})
            await self._run(self._chunks.delete_many, {"files_id": {"$in": stale}})

    async def _ensure_indexes(self) -> None:
        """The indexes the GridFS specification asks for, created once per store."""
        if not self._indexed:
            files = IndexModel([("filename", ASCENDING), ("uploadDate", ASCENDING)])
            chunks = IndexModel([("files_id", ASCENDING), ("n", ASCENDING)], unique=True)
            await self._run(self._files.create_indexes, [files])
            await self._run(self._chunks.create_indexes, [chunks])
            self._indexed = True



async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data
