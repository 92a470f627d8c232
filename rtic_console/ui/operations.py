"""Runs database work off the GUI thread and hands results back in one sanctioned way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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


class OperationRunner(QObject):
    """Anki-style operations: a body on a worker thread, handlers on the GUI thread.

    Writes run one at a time on their own thread; reads share a small pool; work that
    holds a thread for seconds (stream probes, clip encoding) has a pool of its own so
    that list refreshes never queue behind it. When a
    write finishes, `did_execute` names what changed so each pane refreshes only that.
    A newer request with the same key makes an older one's result stale: it is
    cancelled if it has not started and dropped if it has.
    """

    did_execute = Signal(object)
    connection_lost = Signal(str)
    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="rtic-write")
        self._readers = ThreadPoolExecutor(2, thread_name_prefix="rtic-read")
        self._slow = ThreadPoolExecutor(2, thread_name_prefix="rtic-slow")
        self._latest: dict[str, int] = {}
        self._pending: dict[str, Future[Any]] = {}
        self._serial = 0
        self.online = True
        self._closed = False
        self._finished.connect(self._deliver)

    def write(self, body: Callable[[], Any], on_done: Done, on_error: Failed,
              changes: frozenset[str] = frozenset(), key: str | None = None,
              owner: QObject | None = None) -> None:
        """Run body on the writer thread; handlers are skipped if owner is gone by then."""
        if not self.online:
            on_error(DatabaseUnavailable(OFFLINE_MESSAGE))
            return
        self._submit(self._writer, body, on_done, on_error, changes, key, owner)

    def read(self, body: Callable[[], Any], on_done: Done, on_error: Failed,
             key: str | None = None, owner: QObject | None = None) -> None:
        self._submit(self._readers, body, on_done, on_error, frozenset(), key, owner)

    def background(self, body: Callable[[], Any], on_done: Done, on_error: Failed,
                   key: str | None = None, owner: QObject | None = None) -> None:
        """Slow work that touches no database: decoding a stream, encoding a clip."""
        self._submit(self._slow, body, on_done, on_error, frozenset(), key, owner)

    def _submit(self, pool: ThreadPoolExecutor, body: Callable[[], Any], on_done: Done,
                on_error: Failed, changes: frozenset[str], key: str | None,
                owner: QObject | None) -> None:
        if self._closed:
            return  # a timer of a closing screen fired after shutdown: nothing to run it on
        self._serial += 1
        serial = self._serial
        if key is not None:
            older = self._pending.get(key)
            if older is not None:
                older.cancel()
            self._latest[key] = serial

        def run() -> None:
            try:
                result: Any = body()
                error: BaseException | None = None
            except BaseException as exc:  # every failure goes back to the GUI thread
                result, error = None, exc
            self._finished.emit(
                (serial, key, result, error, on_done, on_error, changes, owner))

        future = pool.submit(run)
        if key is not None:
            self._pending[key] = future

    @Slot(object)
    def _deliver(self, payload: tuple[Any, ...]) -> None:
        serial, key, result, error, on_done, on_error, changes, owner = payload
        if key is not None:
            if self._latest.get(key) != serial:
                return
            self._pending.pop(key, None)
        if changes and error is None:
            self.did_execute.emit(changes)
        if owner is not None and not shiboken6.isValid(owner):
            return
        if error is not None:
            if isinstance(error, DatabaseUnavailable):
                self.connection_lost.emit(str(error))
            elif not _expected(error):
                logger.error("operation failed", exc_info=error)
            on_error(error)
            return
        on_done(result)

    def shutdown(self) -> None:
        """Finish what is running, drop what is queued; no thread outlives the console."""
        self._closed = True
        self._writer.shutdown(wait=True, cancel_futures=True)
        self._readers.shutdown(wait=True, cancel_futures=True)
        self._slow.shutdown(wait=True, cancel_futures=True)


def _expected(error: BaseException) -> bool:
    return isinstance(error, Refused | InputRejected)
