"""The share of the machine's CPU time its host (the hypervisor) took for other guests during a run: a benchmark's
figures from a run where it was high speak of the host, not of the station."""
from __future__ import annotations

from pathlib import Path

STEAL = 7  # /proc/stat's cpu line: user nice system idle iowait irq softirq steal ...


def cpu_jiffies() -> tuple[int, int] | None:
    """(stolen, total) CPU ticks since boot, over all cores; None where there is no /proc/stat."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    return fields[STEAL], sum(fields)


def stolen_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    if before is None or after is None or after[1] <= before[1]:
        return None
    return round((after[0] - before[0]) / (after[1] - before[1]), 3)
