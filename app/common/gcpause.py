"""Pausing Python's cyclic garbage collector for bulk work that allocates many long-lived
objects (an import's 20,000 checked rows): each full collection walks every object the
process holds, and such work would set off dozens of them for a few cycles to free."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off cyclic collections inside the block (reference counting still frees
    everything that forms no cycle); they resume after it. Nests; usable as a decorator.
    Only for work whose size is bounded (an import is, by its row limit)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
