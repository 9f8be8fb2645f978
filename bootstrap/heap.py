"""Keep Python's cyclic garbage collector from pausing a running station for a tenth of a second."""
from __future__ import annotations

import gc


def settle_heap() -> None:
    """Call once everything has started. What start built (modules, the chat libraries, templates, the
    container) lives as long as the process, yet every full collection walks all of it again: ~100 ms each,
    a dozen times a minute under load, with every request and delivery waiting. Collect once, then freeze it
    out of the collector's sight; what is made afterwards is collected as usual."""
    gc.collect()
    gc.freeze()
