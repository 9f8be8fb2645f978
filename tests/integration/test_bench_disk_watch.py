"""The benchmarks' disk watch syncs a file beside the store while a run goes on, cleans up after itself, and counts a
delivery as held by the disk exactly when a stall overlapped it."""
from __future__ import annotations

import time

from bench.disk import DiskWatch


def test_the_disk_watch_syncs_while_running_and_leaves_nothing_behind(tmp_path):
    watch = DiskWatch(str(tmp_path))
    watch.start()
    time.sleep(0.3)
    watch.stop()
    assert watch.syncs >= 5
    assert list(tmp_path.iterdir()) == []


def test_a_delivery_is_held_by_the_disk_only_when_a_stall_overlapped_it(tmp_path):
    watch = DiskWatch(str(tmp_path))
    watch.stalls = [(10.0, 10.3)]
    assert watch.held(9.9, 10.05) and watch.held(10.1, 10.2) and watch.held(10.25, 10.4)
    assert not watch.held(9.0, 10.0) and not watch.held(10.3, 10.5)
    assert watch.figures()["disk_stall_max_ms"] == 300.0
