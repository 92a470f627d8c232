"""Fixtures shared by the capture tests (MJPEG and RTSP)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from rtic_console.feeds.video_capture import CaptureWorker


@pytest.fixture
def start() -> Iterator[Callable[..., CaptureWorker]]:
    """Starts workers with short timeouts and proves every one of them ends."""
    workers: list[CaptureWorker] = []

    def _start(url: str, **kwargs: Any) -> CaptureWorker:
        options = {"stale_after_s": 0.4, "open_timeout_s": 2.0, "read_timeout_s": 1.0,
                   "backoff_initial_s": 0.2, "backoff_max_s": 1.0} | kwargs
        worker = CaptureWorker(url, **options)
        workers.append(worker)
        worker.start()
        return worker

    yield _start
    for worker in workers:
        worker.request_stop()
    for worker in workers:
        assert worker.stop(), f"{worker.name} did not stop"
    assert not [t for t in threading.enumerate() if t.name.startswith("capture-")]
