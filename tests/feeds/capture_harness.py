"""Watching CaptureWorkers from a test: their states and a polling wait."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from rtic_console.feeds.video_capture import StreamState, StreamStatus


class States:
    """Collects on_state calls, which arrive from the worker and watchdog threads."""

    def __init__(self) -> None:
        self.seen: list[StreamStatus] = []
        self._changed = threading.Condition()

    def __call__(self, status: StreamStatus) -> None:
        with self._changed:
            self.seen.append(status)
            self._changed.notify_all()

    def wait(self, state: StreamState, timeout: float = 5.0) -> StreamStatus:
        def found() -> StreamStatus | None:
            return next((s for s in self.seen if s.state is state), None)

        with self._changed:
            assert self._changed.wait_for(found, timeout), f"never {state}: {self.seen}"
            return found()  # type: ignore[return-value]

    def states(self) -> list[StreamState]:
        return [s.state for s in self.seen]


def wait_until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)
