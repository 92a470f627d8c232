"""The operation runner: results on the GUI thread, stale results dropped, slow work apart."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject

from rtic_console.ui.operations import OperationRunner


def test_slow_work_does_not_hold_up_reads(qtbot, runner: OperationRunner) -> None:
    release = threading.Event()
    slow_done: list[str] = []
    for name in ("probe-1", "probe-2"):
        runner.background(lambda n=name: release.wait(10) and n, slow_done.append,
                          lambda e: slow_done.append(repr(e)))
    reads: list[int] = []
    runner.read(lambda: 42, reads.append, lambda e: reads.append(-1))
    qtbot.waitUntil(lambda: reads == [42], timeout=3000)
    assert slow_done == [], "slow work finished before it was released"
    release.set()
    qtbot.waitUntil(lambda: sorted(slow_done) == ["probe-1", "probe-2"], timeout=3000)


def test_a_newer_request_with_the_same_key_drops_the_older_result(
        qtbot, runner: OperationRunner) -> None:
    started, release = threading.Event(), threading.Event()
    results: list[str] = []

    def first() -> str:
        started.set()
        release.wait(10)
        return "old"

    runner.read(first, results.append, lambda e: results.append(repr(e)), key="list")
    assert started.wait(3)
    runner.read(lambda: "new", results.append, lambda e: results.append(repr(e)), key="list")
    release.set()
    qtbot.waitUntil(lambda: "new" in results, timeout=3000)
    qtbot.wait(100)
    assert results == ["new"]


def test_the_same_key_from_another_owner_leaves_the_first_owners_request_alone(
        qtbot, runner: OperationRunner) -> None:
    """Two panes asking for "hits.detail" each get their own answer, even when the first
    has not started yet (both read threads busy)."""
    release = threading.Event()
    for _ in range(2):  # hold both read threads so the keyed requests wait, cancellable
        runner.read(lambda: release.wait(10), lambda _r: None, lambda _e: None)
    desk, sergeant = QObject(), QObject()
    results: list[str] = []
    for owner, name in ((desk, "desk"), (sergeant, "sergeant")):
        runner.read(lambda n=name: n, results.append, lambda e: results.append(repr(e)),
                    key="hits.detail", owner=owner)
    release.set()
    qtbot.waitUntil(lambda: sorted(results) == ["desk", "sergeant"], timeout=3000)


def test_work_asked_for_after_shutdown_is_dropped_quietly(qtbot) -> None:
    """A closing screen's timer may still fire; it must not raise into the event loop."""
    closing = OperationRunner()
    closing.shutdown()
    calls: list[object] = []
    closing.read(lambda: 1, calls.append, calls.append)
    closing.write(lambda: 2, calls.append, calls.append)
    qtbot.wait(50)
    assert calls == []


class _Handler:
    """A screen's handler stand-in that notes which thread let it go."""

    def __init__(self, released_on: list[str]) -> None:
        self._released_on = released_on

    def __call__(self, _value: object) -> None:
        pass

    def __del__(self) -> None:
        self._released_on.append(threading.current_thread().name)


def test_handlers_are_released_on_the_gui_thread_only(qtbot, runner: OperationRunner) -> None:
    """A Qt object whose last reference dies on a worker is destroyed there and crashes the
    console; bound methods and lambdas of screens are such references."""
    released_on: list[str] = []
    release = threading.Event()
    for _ in range(2):  # both readers busy, so the next request waits in the queue
        runner.read(lambda: release.wait(10), _Handler(released_on), _Handler(released_on))
    runner.read(lambda: "stale", _Handler(released_on), _Handler(released_on), key="k")
    runner.read(lambda: "fresh", _Handler(released_on), _Handler(released_on), key="k")
    for n in range(40):
        runner.read(lambda n=n: n, _Handler(released_on), _Handler(released_on))
    release.set()
    qtbot.waitUntil(lambda: len(released_on) == 2 * 44, timeout=5000)
    assert set(released_on) == {threading.main_thread().name}
