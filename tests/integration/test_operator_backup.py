"""`stationthis backup DEST` through the real CLI, against a store that another connection keeps writing to."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bootstrap.config import load_config
from bootstrap.container import build_container
from tests.bounded import bounded
from tests.integration.tmpfs import mounted

STATIONTHIS = str(Path(sys.executable).with_name("stationthis"))
LONG_REASON = "x" * 2000  # makes the database a few megabytes, so the copy takes several steps


def env(data_dir: Path, **extra) -> dict:
    return {**os.environ, "STATIONTHIS_DATA_DIR": str(data_dir), "COMFYUI_URLS": "http://127.0.0.1:9", **extra}


def cli(data_dir: Path, *args, **extra):
    return subprocess.run([STATIONTHIS, *args], env=env(data_dir, **extra), capture_output=True, text=True, timeout=120)


class LiveStation:
    """The real container on `data_dir`, as `stationthis run` would hold it, granting points on demand."""

    def __init__(self, data_dir: Path):
        self.container = build_container(load_config(env={"STATIONTHIS_DATA_DIR": str(data_dir)}, dotenv=False))
        self.station = self.container.use_cases.station()

    async def __aenter__(self):
        await self.container.infra.storage().open()
        self.alice = await self.station.accounts.user_for("web:alice")
        return self

    async def __aexit__(self, *exc):
        await self.container.infra.storage().close()

    async def grant(self, count: int, reason: str = "grant") -> None:
        await asyncio.gather(*(self.station.points.grant(self.alice.id, 1, reason) for _ in range(count)))

    async def balance(self) -> int:
        return await self.station.points.balance(self.alice.id)


@bounded(120)
async def test_a_backup_taken_while_writes_go_on_is_one_consistent_moment_and_restores(tmp_path):
    data, dest = tmp_path / "var", tmp_path / "backups" / "monday"
    assert cli(data, "web", "create-user", "alice").returncode == 0
    assert cli(data, "web", "token", "create", "web:alice").returncode == 0  # makes the web secret key
    async with LiveStation(data) as live:
        await live.grant(4000, LONG_REASON)
        blobs = live.container.infra.blobs()
        await blobs.put("results/a/0.png", b"picture")
        await blobs.put("loras/owl.safetensors", os.urandom(300_000))
        before = await live.balance()

        async def keep_writing(stop: asyncio.Event) -> None:
            while not stop.is_set():
                await live.grant(5)

        stop = asyncio.Event()
        writer = asyncio.create_task(keep_writing(stop))
        process = await asyncio.create_subprocess_exec(STATIONTHIS, "backup", str(dest), env=env(data),
                                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = await asyncio.wait_for(process.communicate(), 60)
        finally:
            stop.set()
            await writer
            if process.returncode is None:
                process.kill()
        after = await live.balance()

    assert process.returncode == 0, err.decode()
    assert out.decode().startswith(f"backup ok: {dest} holds the database") and "2 blobs" in out.decode()
    assert "database" in err.decode() and "pages" in err.decode() and "100%" in err.decode()
    assert sorted(p.name for p in dest.iterdir()) == ["blobs", "stationthis.sqlite3", "web_secret_key"]
    assert (dest / "blobs/loras/owl.safetensors").read_bytes() == (data / "blobs/loras/owl.safetensors").read_bytes()
    assert (dest / "web_secret_key").read_text() == (data / "web_secret_key").read_text()
    assert (dest / "web_secret_key").stat().st_mode & 0o077 == 0
    assert cli(dest, "ledger", "verify").stdout.startswith("ledger ok")
    copied = int(cli(dest, "points", "show", "web:alice").stdout.splitlines()[-1])
    assert before <= copied < after, (before, copied, after)
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".monday")]


@pytest.mark.parametrize("case", ["existing folder", "existing file", "inside the blob folder", "no store", "mongodb"])
def test_a_backup_that_would_overwrite_or_cannot_work_is_refused_in_one_line(tmp_path, case):
    data, dest = tmp_path / "var", tmp_path / "copy"
    if case != "no store":
        assert cli(data, "points", "grant", "web:alice", "5").returncode == 0
    extra, expected = {}, "already exists and a backup never overwrites anything"
    if case == "existing folder":
        dest.mkdir()
    elif case == "existing file":
        dest.write_text("keep me")
    elif case == "inside the blob folder":
        dest, expected = data / "blobs" / "copy", "is inside the blob folder"
    elif case == "no store":
        expected = "There is no SQLite store at"
    else:
        extra, expected = {"STATIONTHIS_STORAGE": "mongodb://u:pw@127.0.0.1:1/st"}, "mongodump --uri="
    result = cli(data, "backup", str(dest), **extra)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode == 1 and len(errors) == 1 and expected in errors[0], result.stderr
    assert "pw" not in result.stderr and "Traceback" not in result.stderr
    assert case != "existing file" or dest.read_text() == "keep me"
    assert case != "existing folder" or list(dest.iterdir()) == []
    assert [p.name for p in dest.parent.iterdir() if p.name.startswith(".copy")] == []


@pytest.mark.parametrize("too_big", ["database", "blobs"])
async def test_a_backup_onto_a_disk_too_small_says_so_and_keeps_nothing(tmp_path, too_big):
    data = tmp_path / "var"
    async with LiveStation(data) as live:
        await live.grant(600 if too_big == "database" else 1, LONG_REASON)
        await live.container.infra.blobs().put("loras/big.safetensors", os.urandom(2_000_000 if too_big == "blobs"
                                                                                   else 10))
    with mounted(tmp_path / "small", 1_500_000) as disk:
        result = cli(data, "backup", str(disk.path / "copy"))
        assert result.returncode == 1
        assert f"error: no room left for the backup in {disk.path}" in result.stderr and "nothing was kept" in result.stderr
        assert list(disk.path.iterdir()) == []
