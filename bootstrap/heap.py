"""Keep Python's cyclic garbage collector from pausing a running station for a tenth of a second."""
from __future__ import annotations

import gc

# Objects made between two young collections. Python's 700 suits scripts; a server under load has many requests'
# objects in flight at once, and at 700 it caught them alive in nearly every young collection, moved them on and
# walked them again in the older generations: 4 % of the web's CPU time under bench/web.py, against under 1 % here
# (each young collection then takes ~4 ms, one about every second).
YOUNG_THRESHOLD = 10_000


def settle_heap() -> None:
    """Call once everything has started. What start built (modules, the chat libraries, templates, the
    container) lives as long as the process, yet every full collection walks all of it again: ~100 ms each,
    a dozen times a minute under load, with every request and delivery waiting. Collect once, then freeze it
    out of the collector's sight; what is made afterwards is collected as usual, in larger young batches."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
