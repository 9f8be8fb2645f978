"""Settling the runtime once started: what exists is frozen out of full collections (later garbage still goes, in
larger young batches), and threads back from a write get the interpreter sooner."""
import gc
import sys
import weakref

from bootstrap.heap import YOUNG_THRESHOLD, settle_heap
from bootstrap.switching import SWITCH_INTERVAL_S, favour_returning_threads


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_settling_the_heap_freezes_what_start_built_and_still_collects_later_cycles():
    built_at_start = [Node() for _ in range(100)]
    thresholds = gc.get_threshold()
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
        gc.set_threshold(*thresholds)


def test_settling_the_heap_collects_the_young_generation_in_larger_batches():
    thresholds = gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *thresholds[1:])
        assert YOUNG_THRESHOLD > thresholds[0]
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_a_running_station_asks_the_loop_thread_to_let_returning_threads_in_every_millisecond():
    default = sys.getswitchinterval()
    try:
        favour_returning_threads()
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S == 0.001 < default
    finally:
        sys.setswitchinterval(default)
