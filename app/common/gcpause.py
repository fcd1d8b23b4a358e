"""Holding off the cyclic garbage collector's full passes during bulk work that allocates
many long-lived objects (an import's 20,000 checked rows): each full collection walks every
object the process holds, and such work would set off dozens of them for a few cycles to
free. The young generations are still collected: the work may run on a job thread inside a
web process, whose requests keep leaving short-lived cycles that must still be freed."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# A full collection is due when the middle generation's collections since the last one pass
# the third threshold: never, while held off.
_NEVER = 2**31 - 1
_lock = threading.Lock()
_holders = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off full collections inside the block (the young generations are collected as
    usual, and reference counting frees everything that forms no cycle); the thresholds are
    given back when the last block held at the same time, in any thread, ends, even on an
    error. Nests; usable as a decorator. Only for work whose size is bounded (an import is,
    by its row limit)."""
    global _holders, _saved
    with _lock:
        if _holders == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], _NEVER)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
