"""A stored file is on disk, name and all, before `put` returns: its data is synced before it is renamed into place,
and the folder that gains the name (and every folder made for it) is synced after. New folders are synced only after
the rename, so the file system journals the folders and the name together. Watched with strace, as the system calls
are the only witness short of cutting the power."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

STRACE = shutil.which("strace")
PUTS = """
import asyncio, sys
from adapters.blobs.filesystem import FilesystemBlobStore
async def main():
    store = FilesystemBlobStore(sys.argv[1])
    await store.put("results/job-1/0.png", b"first")
    await store.put("results/job-1/1.png", b"second")
    async def chunks():
        yield b"third"
    await store.put_stream("results/job-2/0.png", chunks(), "image/png")
asyncio.run(main())
"""
CALL = re.compile(r'^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+)')


def traced_calls(tmp_path: Path) -> list[tuple[str, str, int]]:
    log = tmp_path / "strace.log"
    watched = "trace=openat,fsync,rename,renameat,renameat2,mkdir,mkdirat"
    ran = subprocess.run([STRACE, "-f", "-qq", "-o", str(log), "-e", watched, sys.executable, "-c", PUTS,
                          str(tmp_path / "store")], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[2])
    if ran.returncode and "ptrace" in ran.stderr:
        pytest.skip("this machine does not let strace trace (ptrace is not permitted)")
    assert ran.returncode == 0, ran.stderr
    return [(match[1], match[2], int(match[3])) for line in log.read_text().splitlines()
            if (match := CALL.match(line)) and int(match[3]) >= 0]


def durability_events(calls, under: Path) -> list[tuple[str, str]]:
    """("synced", path) for each fsync; for each change under `under`, ("renamed from", partial file) then
    ("renamed", target), or ("made", folder)."""
    paths_by_fd: dict[int, str] = {}
    events = []
    for name, args, result in calls:
        quoted = re.findall(r'"([^"]*)"', args)
        if name == "openat" and quoted:
            paths_by_fd[result] = quoted[0]
        elif name == "fsync":
            events.append(("synced", paths_by_fd.get(int(args), "?")))
        elif name.startswith("rename") and quoted[-1].startswith(str(under)):
            events.append(("renamed from", quoted[0]))
            events.append(("renamed", quoted[-1]))
        elif name.startswith("mkdir") and quoted and quoted[0].startswith(str(under)):
            events.append(("made", quoted[0]))
    return events


@pytest.mark.skipif(not sys.platform.startswith("linux") or STRACE is None, reason="needs Linux's strace")
def test_every_stored_file_is_synced_before_its_rename_and_its_folder_after(tmp_path):
    store = tmp_path / "store"
    events = durability_events(traced_calls(tmp_path), store / "results")  # the store's own folders are made at start
    renamed = [path for kind, path in events if kind == "renamed"]
    assert renamed == [f"{store}/results/job-1/0.png", f"{store}/results/job-1/1.png", f"{store}/results/job-2/0.png"]
    made = [path for kind, path in events if kind == "made"]
    assert made == [f"{store}/results", f"{store}/results/job-1", f"{store}/results/job-2"]
    for at, (kind, path) in enumerate(events):
        if kind in ("renamed", "made"):
            assert ("synced", str(Path(path).parent)) in events[at + 1:], f"{path}: its folder is never synced"
        if kind == "renamed from":
            assert ("synced", path) in events[:at], f"{path}: renamed before its data was synced"


@pytest.mark.skipif(not sys.platform.startswith("linux") or STRACE is None, reason="needs Linux's strace")
def test_new_folders_are_synced_after_the_file_is_renamed_into_them(tmp_path):
    store = tmp_path / "store"
    events = durability_events(traced_calls(tmp_path), store / "results")
    first_rename = events.index(("renamed", f"{store}/results/job-1/0.png"))
    syncs_before = [path for kind, path in events[:first_rename] if kind == "synced"]
    assert f"{store}/results" not in syncs_before and str(store) not in syncs_before
    syncs_after = [path for kind, path in events[first_rename + 1:] if kind == "synced"]
    assert syncs_after[:3] == [f"{store}/results/job-1", f"{store}/results", str(store)]
