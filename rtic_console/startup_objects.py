"""Taking start-up's objects out of the cyclic garbage collector's full passes.

A full collection walks every object the collector tracks, holding the GIL. Once a process
has started, most of them are modules, classes, functions and tables that live as long as
it does: in the ingest service about 160,000, whose walk took 70–96 ms of CPU every few
seconds at 1,000 reads/s, so every request and hit in flight waited that long. Frozen, they
are left out of later passes (13–16 ms). Only objects alive at start-up are frozen, so what
a console builds after sign-in (windows, their slots and closures) is still collected
when it is let go.
"""

from __future__ import annotations

import gc

_done = False


def freeze_startup_objects() -> None:
    """Collect the garbage of start-up, then freeze what is left; once a process.

    A frozen object is still freed by its reference count; only one that later dies inside
    a reference cycle is kept, which is why this is done once start-up is over, before
    screens or sessions exist, and not again (a process that signs in and out all day, or
    a test run that starts many consoles, would keep more each time).
    """
    global _done
    if _done:
        return
    _done = True
    gc.collect()
    gc.freeze()
