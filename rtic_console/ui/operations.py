"""Runs database work off the GUI thread and hands results back in one sanctioned way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from rtic_console.services.context import InputRejected, Refused
from rtic_console.store.database import DatabaseUnavailable

logger = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]

OFFLINE_MESSAGE = ("The database is unreachable, so nothing was saved. The console keeps "
                   "trying to reconnect; try again when the status bar shows Connected.")


@dataclass(slots=True)
class _Job:
    """What the GUI thread keeps of a request while a worker runs its body."""

    key: tuple[str, int] | None  # the key and its owner's id: see _scoped
    body: Callable[[], Any] | None
    on_done: Done
    on_error: Failed
    owner: QObject | None
    future: Future[None] | None = None
    outcome: tuple[Any, BaseException | None] | None = None


def _scoped(key: str | None, owner: QObject | None) -> tuple[str, int] | None:
    return None if key is None else (key, id(owner))


class OperationRunner(QObject):
    """Anki-style operations: a body on a worker thread, handlers on the GUI thread.

    Writes run one at a time on their own thread; reads share a small pool; work that
    holds a thread for seconds (stream probes, clip encoding) has a pool of its own so
    that list refreshes never queue behind it. What a write changed reaches every pane as
    the change events the write itself published (`ChangeBridge`), not from here. A newer
    request with the same key from the same owner makes an older one's result stale: it is
    cancelled if it has not started and dropped if it has. Another owner's request with
    that key is left alone (two screens, or two consoles' panes in one test, each wait for
    their own answer).

    Handlers are bound methods and lambdas of screens. Only the GUI thread ever holds or
    releases them, and a worker gives up its hold on a body and its outcome before it
    signals: a Qt object whose last reference dies on a worker thread is destroyed there,
    which crashes the process.
    """

    connection_lost = Signal(str)
    _finished = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="rtic-write")
        self._readers = ThreadPoolExecutor(2, thread_name_prefix="rtic-read")
        self._slow = ThreadPoolExecutor(2, thread_name_prefix="rtic-slow")
        self._jobs: dict[int, _Job] = {}
        self._latest: dict[tuple[str, int], int] = {}
        self._serial = 0
        self.online = True
        self._closed = False
        self._finished.connect(self._deliver)

    def write(self, body: Callable[[], Any], on_done: Done, on_error: Failed,
              key: str | None = None, owner: QObject | None = None) -> None:
        """Run body on the writer thread; handlers are skipped if owner is gone by then."""
        if not self.online:
            on_error(DatabaseUnavailable(OFFLINE_MESSAGE))
            return
        self._submit(self._writer, _Job(_scoped(key, owner), body, on_done, on_error, owner))

    def read(self, body: Callable[[], Any], on_done: Done, on_error: Failed,
             key: str | None = None, owner: QObject | None = None) -> None:
        self._submit(self._readers, _Job(_scoped(key, owner), body, on_done, on_error, owner))

    def background(self, body: Callable[[], Any], on_done: Done, on_error: Failed,
                   key: str | None = None, owner: QObject | None = None) -> None:
        """Slow work: decoding a stream, encoding a clip, or a workflow whose slow step is
        one (a stream check), its database steps short transactions of their own."""
        self._submit(self._slow, _Job(_scoped(key, owner), body, on_done, on_error, owner))

    def _submit(self, pool: ThreadPoolExecutor, job: _Job) -> None:
        if self._closed:
            return  # a timer of a closing screen fired after shutdown: nothing to run it on
        self._serial += 1
        serial = self._serial
        if job.key is not None:
            older = self._jobs.get(self._latest.get(job.key, 0))
            if older is not None and older.future is not None and older.future.cancel():
                del self._jobs[self._latest[job.key]]
            self._latest[job.key] = serial
        self._jobs[serial] = job
        job.future = pool.submit(self._run, serial)

    def _run(self, serial: int) -> None:
        """On a worker: only the serial number crosses back to the GUI thread."""
        job = self._jobs[serial]
        body, job.body = job.body, None
        assert body is not None
        try:
            job.outcome = (body(), None)
        except BaseException as exc:  # every failure goes back to the GUI thread
            job.outcome = (None, exc)
        # The GUI thread holds the job until it delivers it, so these are not the last.
        del body, job
        self._finished.emit(serial)

    @Slot(int)
    def _deliver(self, serial: int) -> None:
        job = self._jobs.pop(serial, None)
        if job is None or job.outcome is None:
            return
        result, error = job.outcome
        if job.key is not None:
            if self._latest.get(job.key) != serial:
                return
            del self._latest[job.key]
        if job.owner is not None and not shiboken6.isValid(job.owner):
            return
        if error is not None:
            if isinstance(error, DatabaseUnavailable):
                self.connection_lost.emit(str(error))
            elif not _expected(error):
                logger.error("operation failed", exc_info=error)
            job.on_error(error)
            return
        job.on_done(result)

    def shutdown(self) -> None:
        """Finish what is running, drop what is queued; no thread outlives the console."""
        self._closed = True
        self._writer.shutdown(wait=True, cancel_futures=True)
        self._readers.shutdown(wait=True, cancel_futures=True)
        self._slow.shutdown(wait=True, cancel_futures=True)
        self._jobs.clear()


def _expected(error: BaseException) -> bool:
    return isinstance(error, Refused | InputRejected)
