"""A full disk, for real: a small tmpfs filled to the last byte, then emptied; and SQLite's page limit."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.blobs.filesystem import FilesystemBlobStore
from adapters.storage.sqlite.database import SqliteDatabase
from bootstrap.app import StationApp
from bootstrap.config import load_config
from ports.space import StorageFull
from tests.bounded import bounded
from tests.integration.tmpfs import mounted
from tests.integration.web_helpers import Web, csrf_of, env_for, finished
from tests.standins.comfyui.standin import ComfyUIStandin

STATIONTHIS = str(Path(sys.executable).with_name("stationthis"))
DISK_BYTES = 24 * 1024 * 1024


@pytest.fixture
def disk(tmp_path):
    with mounted(tmp_path / "disk", DISK_BYTES) as disk:
        yield disk


def cli(data_dir: Path, *args):
    env = {**os.environ, "STATIONTHIS_DATA_DIR": str(data_dir), "COMFYUI_URLS": "http://127.0.0.1:9"}
    return subprocess.run([STATIONTHIS, *args], env=env, capture_output=True, text=True, timeout=60)


def test_points_grant_on_a_full_disk_says_so_in_one_line_and_works_once_space_returns(disk):
    data = disk.path / "var"
    assert cli(data, "points", "grant", "web:alice", "10").returncode == 0
    disk.fill()
    refused = cli(data, "points", "grant", "web:alice", "5")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith("error: storage is full: ") and refused.stderr.count("\n") == 1, refused.stderr
    assert "Traceback" not in refused.stderr and str(data) in refused.stderr
    disk.empty()
    assert cli(data, "points", "grant", "web:alice", "5").returncode == 0
    assert cli(data, "points", "show", "web:alice").stdout.splitlines()[-1] == "15"


@pytest.fixture
async def station_on(disk):
    async with ComfyUIStandin(step_delay=0.005) as comfy:
        app = StationApp(load_config(env=env_for(disk.path, comfy), dotenv=False))
        await app.start()
        try:
            yield Web(app, comfy)
        finally:
            await app.stop()


async def health(client) -> dict:
    answer = await client.get("/healthz")
    assert answer.status_code == 200
    return await answer.get_json()


@bounded(90)
async def test_a_full_disk_answers_503_reports_degraded_health_and_recovers_by_itself(disk, station_on):
    web = station_on
    browser = await web.client("alice", points=100)
    _, auth = await web.bearer("alice")
    api = web.quart.test_client()
    make = {"params": {"prompt": "a fox", "steps": 1}}
    first = await finished(api, (await (await api.post("/api/v1/tools/txt2img/jobs", headers=auth, json=make))
                                 .get_json())["id"], auth)
    assert (await health(api))["storage"] == {"ok": True}
    token = await csrf_of(browser, "/make/txt2img")

    disk.fill()
    refused = await api.post("/api/v1/tools/txt2img/jobs", headers=auth, json=make)
    error = (await refused.get_json())["error"]
    assert refused.status_code == 503 and error["code"] == "storage_full" and "storage is full" in error["message"]
    assert str(disk.path) not in error["message"]
    page = await browser.post("/make/txt2img", form={"csrf_token": token, "prompt": "a fox", "steps": "1",
                                                     "action": "submit"})
    html = await page.get_data(as_text=True)
    assert page.status_code == 503 and "storage is full" in html and str(disk.path) not in html
    body = await health(api)
    assert body["status"] == "degraded" and body["storage"] == {"ok": False, "full": True}
    assert await web.balance(browser.user) == 100 - first["price"]

    disk.empty()
    assert (await health(api))["storage"] == {"ok": True}
    made = await api.post("/api/v1/tools/txt2img/jobs", headers=auth, json=make)
    assert made.status_code == 201, await made.get_data(as_text=True)
    second = await finished(api, (await made.get_json())["id"], auth)
    assert second["state"] == "succeeded"
    assert await web.balance(browser.user) == 100 - first["price"] - second["price"]
    assert await web.storage.ledger.verify() == []


@bounded(30)
async def test_a_blob_written_to_a_full_disk_raises_storage_full_and_leaves_no_partial_file(disk):
    blobs = FilesystemBlobStore(str(disk.path / "blobs"))
    await blobs.put("results/a.png", b"small")
    disk.fill()
    with pytest.raises(StorageFull, match="blob folder .* is full"):
        await blobs.put("results/b.png", bytes(256 * 1024))

    async def chunks():
        yield bytes(256 * 1024)

    with pytest.raises(StorageFull):
        await blobs.put_stream("results/c.png", chunks(), "image/png")
    assert list((disk.path / "blobs" / ".partial").iterdir()) == []
    disk.empty()
    await blobs.put("results/b.png", b"fits now")
    assert await blobs.keys() == ["results/a.png", "results/b.png"]


@bounded(30)
async def test_sqlites_page_limit_gives_storage_full_until_a_write_fits_again(tmp_path):
    database = SqliteDatabase(str(tmp_path / "limited.sqlite3"))
    await database.open()
    try:
        await database.write(lambda conn: conn.execute("CREATE TABLE notes (body BLOB)"))
        pages = await database.run(lambda conn: conn.execute("PRAGMA page_count").fetchone()[0])
        await database.run(lambda conn: conn.execute(f"PRAGMA max_page_count = {pages}"))
        big = lambda conn: conn.execute("INSERT INTO notes VALUES (randomblob(100000))")  # noqa: E731
        with pytest.raises(StorageFull, match="is full"):
            await database.write(big)
        assert database.space.full
        await database.run(lambda conn: conn.execute(f"PRAGMA max_page_count = {pages + 100}"))
        await database.write(big)
        assert not database.space.full
        assert await database.run(lambda conn: conn.execute("SELECT count(*) FROM notes").fetchone()[0]) == 1
    finally:
        await database.close()


def test_an_io_error_on_a_roomy_disk_is_not_called_full(tmp_path):
    from adapters.storage.sqlite.space import SpaceWatch

    watch = SpaceWatch(str(tmp_path / "x.sqlite3"))
    io_error = sqlite3.OperationalError("disk I/O error")
    io_error.sqlite_errorcode = sqlite3.SQLITE_IOERR_SHMSIZE
    assert not watch.is_full(io_error)
    assert watch.is_full(OSError(28, "No space left on device"))
