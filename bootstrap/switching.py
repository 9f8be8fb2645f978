"""Let a thread back from a write take the interpreter within a millisecond while the event loop is busy."""
from __future__ import annotations

import sys

SWITCH_INTERVAL_S = 0.001  # Python's default is 0.005


def favour_returning_threads() -> None:
    """SQLite's writer and blob writes run on threads, and each comes back to Python after every system call
    (open, write, fsync, rename...). While the event loop's thread is busy, each return waits for it to give up
    the interpreter, by default after 5 ms: a few such waits made one durable write of a result take 25–40 ms
    (`python bench/thread_handoff.py`). Asked every 1 ms instead, the loop's thread loses nothing it would notice."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
