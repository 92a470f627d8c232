"""Cycles are collected on the screen's thread, never on a worker's (ui/screen_collector.py)."""

from __future__ import annotations

import threading

from rtic_console.collector_pause import collector_paused

WAIT_MS = 3000


class _Cycle:
    """Garbage only the cyclic collector frees, saying on which thread it went."""

    def __init__(self, where: list[str]) -> None:
        self.me, self.where = self, where

    def __del__(self) -> None:
        self.where.append(threading.current_thread().name)


def _drop_on_a_worker(where: list[str]) -> list[list[object]]:
    """The cycle dropped, then what a worker keeps: objects that, collection left automatic,
    pass the youngest generation's threshold on the worker's thread."""
    kept: list[list[object]] = []

    def work() -> None:
        _Cycle(where)
        kept.extend([] for _ in range(5_000))

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()
    return kept


def test_a_cycle_dropped_on_a_worker_thread_is_collected_on_the_screen_thread(qtbot) -> None:
    where: list[str] = []
    kept = _drop_on_a_worker(where)
    assert where == [], "collected on the worker thread"
    qtbot.waitUntil(lambda: bool(where), timeout=WAIT_MS)
    assert where == [threading.main_thread().name]
    assert kept


def test_nothing_is_collected_while_rows_are_being_built(qtbot) -> None:
    where: list[str] = []
    with collector_paused():
        kept = _drop_on_a_worker(where)
        qtbot.wait(1500)
        assert where == []
    qtbot.waitUntil(lambda: bool(where), timeout=WAIT_MS)
    assert kept
