"""Watches the database connection and tells the console at once when it drops or returns."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from rtic_console.store.database import Database, DatabaseUnavailable
from rtic_console.ui.operations import OperationRunner


class ConnectionWatchdog(QObject):
    """Pings on its own thread, so a hung server never stalls the GUI or queued writes."""

    state_changed = Signal(bool, str)
    _pinged = Signal(bool, str)

    def __init__(self, db: Database, runner: OperationRunner, interval_s: float,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="rtic-ping")
        self._busy = False
        self.online = True
        self._timer = QTimer(self)
        self._timer.setInterval(int(interval_s * 1000))
        self._timer.timeout.connect(self.check_now)
        self._pinged.connect(self._on_ping_result)
        runner.connection_lost.connect(self._on_runner_connection_lost)

    def start(self) -> None:
        self._timer.start()

    @Slot()
    def check_now(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._pool.submit(self._ping)

    def _ping(self) -> None:
        try:
            self._db.ping()
            self._pinged.emit(True, "")
        except DatabaseUnavailable as exc:
            self._pinged.emit(False, str(exc))

    @Slot(bool, str)
    def _on_ping_result(self, ok: bool, message: str) -> None:
        self._busy = False
        self._set(ok, message)

    @Slot(str)
    def _on_runner_connection_lost(self, message: str) -> None:
        self._set(False, message)
        self.check_now()

    def _set(self, ok: bool, message: str) -> None:
        self._runner.online = ok
        if ok != self.online:
            self.online = ok
            self.state_changed.emit(ok, message)

    def stop(self) -> None:
        self._timer.stop()
        self._pool.shutdown(wait=True, cancel_futures=True)
