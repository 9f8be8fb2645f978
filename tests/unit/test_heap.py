"""Settling the heap once started: what exists is frozen out of full collections, later garbage still goes."""
import gc
import weakref

from bootstrap.heap import settle_heap


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_settling_the_heap_freezes_what_start_built_and_still_collects_later_cycles():
    built_at_start = [Node() for _ in range(100)]
    try:
        settle_heap()
        assert gc.get_freeze_count() >= len(built_at_start)
        later = Node()
        gone = weakref.ref(later)
        del later
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
