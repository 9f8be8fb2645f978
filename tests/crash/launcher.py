"""Test-only launcher: the real `stationthis run`, which exits at once (os._exit) at a named storage write.

CRASH_LAUNCHER_STOP_AT="NAME[:STATE][:N][:after]" stops the process at the N-th (default 1st) SQLite write
done by the function NAME (e.g. _save, _add, post_entry, _claim) whose job argument is in STATE; before
that write commits, or just after it with ":after". The production code carries no such hook: this
module wraps SqliteDatabase.write in this process only.
"""
from __future__ import annotations

import os
import sys

from adapters.storage.sqlite.database import SqliteDatabase
from bootstrap.cli import main
from domain.jobs import Job

CRASHED = 86  # the exit status that says "stopped at the named point"


def _crash_point(spec: str):
    name, *rest = spec.split(":")
    after = rest[-1:] == ["after"]
    rest = rest[:-1] if after else rest
    state = next((part for part in rest if not part.isdigit()), None)
    count = int(next((part for part in rest if part.isdigit()), "1"))
    return name, state, count, after


def install(spec: str) -> None:
    name, state, count, after = _crash_point(spec)
    seen = 0
    write = SqliteDatabase.write

    async def crashing_write(self, fn, *args, **kwargs):
        nonlocal seen
        job = next((a for a in args if isinstance(a, Job)), None)
        if getattr(fn, "__name__", "") == name and (state is None or (job and job.state.value == state)):
            seen += 1
            if seen == count:
                if after:
                    await write(self, fn, *args, **kwargs)
                sys.stderr.write(f"crash launcher: stopping at {spec}\n")
                os._exit(CRASHED)
        return await write(self, fn, *args, **kwargs)

    SqliteDatabase.write = crashing_write


if __name__ == "__main__":
    if os.environ.get("CRASH_LAUNCHER_STOP_AT"):
        install(os.environ["CRASH_LAUNCHER_STOP_AT"])
    sys.exit(main(["run"]))
