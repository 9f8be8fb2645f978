"""GridFSBlobStore: bytes round-trip, large files stream in chunks, hostile keys are refused.

Runs on mongomock, an in-process STAND-IN for MongoDB, and on a real server too when MONGODB_URL is
set (a fresh database, dropped afterwards).
"""
from __future__ import annotations

import hashlib

import gridfs
import mongomock
import mongomock.gridfs
import pymongo
import pytest

from adapters.blobs.gridfs import CHUNK, GridFSBlobStore
from tests.contract.backend_mongo import (
    REAL_SERVER,
    STAND_IN_URL,
    fresh_database_url,
    run_inline,
)

MB = 1024 * 1024
HOSTILE = ["../etc/passwd", "results/../../secret", "/etc/passwd", "a//b", ".hidden", "a/./b", "nul\0byte",
           "back\\slash", ""]


@pytest.fixture(params=["mongomock", pytest.param("mongodb", marks=pytest.mark.mongodb)])
def database(request):
    """(store, raw database) on the stand-in or, with MONGODB_URL, on a fresh real database."""
    if request.param == "mongomock":
        client = mongomock.MongoClient()
        store = GridFSBlobStore(STAND_IN_URL, client_factory=lambda _url, **_o: client, run_blocking=run_inline)
        yield store, client.get_database("stationthis")
        return
    if not REAL_SERVER:
        pytest.skip("needs a real MongoDB server in MONGODB_URL")
    url, name = fresh_database_url(REAL_SERVER)
    store = GridFSBlobStore(url)
    with pymongo.MongoClient(url) as client:
        yield store, client.get_database(name)
        client.drop_database(name)
    store.close()


@pytest.fixture
def blobs(database):
    return database[0]


async def pieces(total: int, size: int = 64 * 1024, seen=None):
    """`total` bytes of varied content, `size` at a time; `seen(sent)` is called before each piece."""
    sent = 0
    while sent < total:
        if seen:
            await seen(sent)
        piece = bytes((sent // size + i) % 251 for i in range(min(size, total - sent)))
        sent += len(piece)
        yield piece


async def test_bytes_round_trip_and_are_listed_and_deleted(blobs):
    await blobs.put("results/job1/0.png", b"\x89PNG fake", "image/png")
    assert await blobs.get("results/job1/0.png") == b"\x89PNG fake"
    assert await blobs.exists("results/job1/0.png")
    await blobs.put("datasets/d1/1.jpg", b"jpeg")
    assert await blobs.keys() == ["datasets/d1/1.jpg", "results/job1/0.png"]
    await blobs.delete("results/job1/0.png")
    assert not await blobs.exists("results/job1/0.png")
    assert await blobs.keys() == ["datasets/d1/1.jpg"]
    await blobs.delete("results/job1/0.png")  # deleting what is gone is fine


async def test_an_empty_blob_round_trips(blobs):
    await blobs.put("empty", b"")
    assert await blobs.get("empty") == b"" and await blobs.exists("empty")


async def test_putting_an_existing_key_replaces_it_and_keeps_one_revision(database):
    blobs, db = database
    for version in (b"first", b"second", b"third"):
        await blobs.put("models/cat.safetensors", version)
    assert await blobs.get("models/cat.safetensors") == b"third"
    assert db["blobs.files"].count_documents({"filename": "models/cat.safetensors"}) == 1
    assert await blobs.keys() == ["models/cat.safetensors"]


async def test_what_is_stored_is_plain_gridfs_that_pymongo_s_own_reader_can_read(database, request):
    blobs, db = database
    if "mongomock" in request.node.name:
        mongomock.gridfs.enable_gridfs_integration()  # lets pymongo's GridFS accept mongomock's classes
    data = bytes(range(256)) * 2000
    await blobs.put("results/job1/0.png", data, "image/png")
    stored = gridfs.GridFSBucket(db, bucket_name="blobs").open_download_stream_by_name("results/job1/0.png")
    assert (stored.read(), stored.metadata) == (data, {"contentType": "image/png"})


async def test_a_missing_key_raises_key_error(blobs):
    with pytest.raises(KeyError):
        await blobs.get("results/nothing.png")
    with pytest.raises(KeyError):
        [chunk async for chunk in blobs.stream("results/nothing.png")]
    assert not await blobs.exists("results/nothing.png")


@pytest.mark.parametrize("key", HOSTILE)
async def test_hostile_keys_are_refused_with_value_error(blobs, key):
    with pytest.raises(ValueError):
        await blobs.put(key, b"x")
    with pytest.raises(ValueError):
        await blobs.get(key)
    with pytest.raises(ValueError):
        await blobs.exists(key)
    with pytest.raises(ValueError):
        await blobs.delete(key)
    with pytest.raises(ValueError):
        [chunk async for chunk in blobs.stream(key)]
    assert await blobs.keys() == []


async def test_a_multi_megabyte_file_is_written_and_read_in_chunks(database):
    blobs, db = database
    total, stored_while_sending = 5 * MB + 123, []

    async def note(sent):
        stored_while_sending.append(db["blobs.chunks"].count_documents({}))

    size = await blobs.put_stream("models/big.safetensors", pieces(total, seen=note), "application/octet-stream")
    assert size == total
    assert stored_while_sending[-1] >= total // CHUNK - 1  # chunks landed before the upload ended

    expected, got, largest = hashlib.sha256(), hashlib.sha256(), 0
    async for piece in pieces(total):
        expected.update(piece)
    async for chunk in blobs.stream("models/big.safetensors"):
        got.update(chunk)
        largest = max(largest, len(chunk))
    assert got.hexdigest() == expected.hexdigest()
    assert largest <= CHUNK


async def test_an_upload_that_fails_midway_leaves_nothing_behind(database):
    blobs, db = database

    async def broken():
        async for piece in pieces(2 * MB):
            yield piece
        raise ConnectionResetError("the uploader went away")

    with pytest.raises(ConnectionResetError):
        await blobs.put_stream("models/half.safetensors", broken(), "application/octet-stream")
    assert not await blobs.exists("models/half.safetensors")
    assert db["blobs.chunks"].count_documents({}) == 0
