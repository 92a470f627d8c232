"""The collector paused by the map's snapshots and the bulk ingest, process-wide."""

from __future__ import annotations

import gc

from rtic_console.collector_pause import collector_paused


def test_the_collector_restarts_when_the_last_pauser_leaves() -> None:
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "another pauser is still at work"
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
