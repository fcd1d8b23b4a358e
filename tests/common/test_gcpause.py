"""The pause of full collections during bulk work: the young generations still collected,
and the thresholds given back as they were found."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from app.common.gcpause import collector_paused


class _Node:
    pass


def test_full_collections_are_held_off_until_the_outermost_block_ends():
    before = gc.get_threshold()
    with collector_paused():
        held = gc.get_threshold()
        assert held[:2] == before[:2] and held[2] > 10**9
        with collector_paused():
            pass
        assert gc.get_threshold() == held  # the inner block does not give them back early
    assert gc.get_threshold() == before
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert gc.get_threshold() == before


def test_cycles_left_inside_the_block_are_still_freed_by_the_young_collections():
    assert gc.isenabled()
    with collector_paused():
        node = _Node()
        node.me = node  # a cycle: reference counting alone never frees it
        gone = weakref.ref(node)
        del node
        keep = [[] for _ in range(50_000)]  # enough allocations to set off young collections
        assert gone() is None
        del keep


def test_a_block_in_another_thread_keeps_the_pause_until_it_ends():
    before = gc.get_threshold()
    entered, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            entered.set()
            release.wait(5)

    worker = threading.Thread(target=other)
    worker.start()
    entered.wait(5)
    with collector_paused():
        pass
    assert gc.get_threshold()[2] > 10**9  # still held for the other thread's work
    release.set()
    worker.join(5)
    assert gc.get_threshold() == before


def test_as_a_decorator_each_call_pauses():
    @collector_paused()
    def third_threshold() -> int:
        return gc.get_threshold()[2]

    normal = gc.get_threshold()[2]
    assert third_threshold() > 10**9 and third_threshold() > 10**9
    assert gc.get_threshold()[2] == normal
