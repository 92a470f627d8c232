"""Pausing the cyclic garbage collector while a bulk of short-lived rows is built.

Tens of thousands of rows alive at once make the collector run passes over all of them,
holding the GIL: the map's 100,000-point snapshot froze the screen's thread for ~100 ms a
pass (benchmarks/bench_map_load.py), and a bulk ingest's parse spent a quarter of its time
in them (benchmarks/bench_bulk_ingest.py). Such rows are freed by reference counting anyway.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_pausers = 0
_was_enabled = True


def paused() -> bool:
    """True while some thread is building such rows: a collection now would walk them."""
    return _gc_pausers > 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block. The collector is process-wide: it
    restarts when the last pauser leaves, unless it was off before the first came."""
    global _gc_pausers, _was_enabled
    with _gc_lock:
        if not _gc_pausers:
            _was_enabled = gc.isenabled()
        _gc_pausers += 1
        gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if not _gc_pausers and _was_enabled:
                gc.enable()
