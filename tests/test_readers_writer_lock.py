"""The drain lanes' lock: readers together, a writer alone, and a waiting writer first."""

from __future__ import annotations

import threading

from rtic_console.readers_writer_lock import ReadersWriterLock


def _start(target: object) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)  # type: ignore[arg-type]
    thread.start()
    return thread


def test_readers_share_and_a_writer_waits_for_them() -> None:
    lock = ReadersWriterLock()
    both_in = threading.Barrier(3, timeout=2)  # the two readers at once, and this test
    leave = threading.Event()
    wrote = threading.Event()

    def read() -> None:
        with lock.shared():
            both_in.wait()
            leave.wait(5)

    def write() -> None:
        with lock.exclusive():
            wrote.set()

    readers = [_start(read) for _ in range(2)]
    both_in.wait()
    writer = _start(write)
    assert not wrote.wait(0.3), "the writer went while readers held the lock"
    leave.set()
    for thread in (*readers, writer):
        thread.join(2)
    assert wrote.is_set() and not both_in.broken


def test_a_waiting_writer_holds_back_new_readers_and_goes_first() -> None:
    lock = ReadersWriterLock()
    order: list[str] = []
    first = lock.shared()
    first.__enter__()

    def write() -> None:
        with lock.exclusive():
            order.append("writer")

    def read() -> None:
        with lock.shared():
            order.append("reader")

    writer = _start(write)
    threading.Event().wait(0.1)  # the writer is waiting now
    reader = _start(read)
    reader.join(0.3)
    assert reader.is_alive() and order == [], "a new reader went ahead of a waiting writer"
    first.__exit__(None, None, None)
    writer.join(2)
    reader.join(2)
    assert order == ["writer", "reader"]
