import hashlib
import os
import tracemalloc

import pytest

from adapters.blobs.filesystem import CHUNK, FilesystemBlobStore

MIB = 1024 * 1024


@pytest.fixture
def store(tmp_path):
    return FilesystemBlobStore(str(tmp_path / "store"))


def files_under(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


async def test_bytes_put_under_a_key_come_back_from_it(store):
    await store.put("results/job-1/0.png", b"picture")
    assert await store.get("results/job-1/0.png") == b"picture"
    assert await store.exists("results/job-1/0.png")


async def test_getting_a_missing_key_raises_key_error(store):
    with pytest.raises(KeyError):
        await store.get("results/nope/0.png")
    with pytest.raises(KeyError):
        [chunk async for chunk in store.stream("results/nope/0.png")]
    assert not await store.exists("results/nope/0.png")


async def test_a_30_mb_file_streams_in_and_out_in_chunks_without_being_held_in_memory(store):
    written = hashlib.sha256()

    async def chunks():
        for _ in range(30):
            chunk = os.urandom(MIB)
            written.update(chunk)
            yield chunk

    tracemalloc.start()
    try:
        assert await store.put_stream("models/lora.safetensors", chunks(), "application/octet-stream") == 30 * MIB
        read, sizes = hashlib.sha256(), []
        async for chunk in store.stream("models/lora.safetensors"):
            read.update(chunk)
            sizes.append(len(chunk))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read.digest() == written.digest()
    assert sum(sizes) == 30 * MIB and max(sizes) == CHUNK
    assert peak < 8 * MIB


@pytest.mark.parametrize("key", ["../x", "/etc/passwd", "a/../../b", "a\\b", "", "a//b", "a/", "./a", "a\0b"])
async def test_a_hostile_key_is_rejected_and_nothing_is_written_outside_the_root(tmp_path, key):
    (tmp_path / "secret").write_bytes(b"do not touch")
    store = FilesystemBlobStore(str(tmp_path / "store"))
    with pytest.raises(ValueError):
        await store.put(key, b"evil")
    with pytest.raises(ValueError):
        await store.get(key)
    with pytest.raises(ValueError):
        await store.delete(key)
    assert files_under(tmp_path) == ["secret"]
    assert (tmp_path / "secret").read_bytes() == b"do not touch"


async def test_a_symlink_inside_the_root_cannot_lead_outside_it(tmp_path, store):
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "store" / "link").symlink_to(outside)
    with pytest.raises(ValueError):
        await store.put("link/x.png", b"evil")
    assert list(outside.iterdir()) == []


async def test_putting_a_key_again_replaces_it_whole_and_leaves_no_temporary_files(tmp_path, store):
    await store.put("inputs/u1/a.png", b"first version")
    await store.put("inputs/u1/a.png", b"second")
    assert await store.get("inputs/u1/a.png") == b"second"
    assert files_under(tmp_path / "store") == ["inputs/u1/a.png"]


async def test_a_stream_that_breaks_off_leaves_the_old_file_intact_and_no_half_file(tmp_path, store):
    await store.put("models/lora.safetensors", b"complete old model")

    async def broken():
        yield b"half of a new"
        raise ConnectionError("client went away")

    with pytest.raises(ConnectionError):
        await store.put_stream("models/lora.safetensors", broken(), "application/octet-stream")
    assert await store.get("models/lora.safetensors") == b"complete old model"
    assert files_under(tmp_path / "store") == ["models/lora.safetensors"]


async def test_keys_lists_every_stored_key(store):
    for key in ["results/j1/0.png", "results/j1/1.png", "inputs/u1/x.jpeg", "datasets/d1/i1.png"]:
        await store.put(key, b"x")
    assert await store.keys() == ["datasets/d1/i1.png", "inputs/u1/x.jpeg", "results/j1/0.png", "results/j1/1.png"]


async def test_a_deleted_key_is_gone_and_deleting_it_again_is_harmless(store):
    await store.put("results/j1/0.png", b"x")
    await store.delete("results/j1/0.png")
    assert not await store.exists("results/j1/0.png")
    assert await store.keys() == []
    await store.delete("results/j1/0.png")
