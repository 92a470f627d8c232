"""The check every test ends with: a thread of ours left running is caught, daemon or not."""

from __future__ import annotations

import threading

from tests.support import threads_of_ours


def test_a_daemon_thread_of_ours_left_running_is_caught() -> None:
    before = set(threading.enumerate())
    stop = threading.Event()
    ours = threading.Thread(target=stop.wait, name="LeakyWorker", daemon=True)
    pool_thread = threading.Thread(target=stop.wait, name="rtic-read_9", daemon=True)
    not_ours = threading.Thread(target=stop.wait, name="Thread-99 (serve_forever)")
    for thread in (ours, pool_thread, not_ours):
        thread.start()
    try:
        assert {t.name for t in threads_of_ours(before)} == {"LeakyWorker", "rtic-read_9"}
    finally:
        stop.set()
        for thread in (ours, pool_thread, not_ours):
            thread.join(2)
    assert threads_of_ours(before) == []
