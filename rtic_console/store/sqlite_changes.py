"""Hearing other processes' changes on an SQLite file: `PRAGMA data_version`, then the log."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from rtic_console.store.change_bus import ChangeBus, ChangeEvent, ListenerThread
from rtic_console.store.database import Database

logger = logging.getLogger(__name__)


class SqliteChangePoller(ListenerThread):
    """Polls a dedicated connection's data version, which moves only when another connection
    commits; then reads the change log past its cursor and delivers what other processes
    wrote (this process's own events reached the bus at commit).

    If it cannot read for a while, or the log was pruned past its cursor, it delivers a
    `resync` saying since when events may have been missed.
    """

    def __init__(self, db: Database, bus: ChangeBus, poll_s: float = 0.05) -> None:
        super().__init__("SqliteChangePoller", bus)
        if not db.url.database or db.url.database == ":memory:":
            raise ValueError("an in-memory database has no other processes to hear")
        self._path = db.url.database
        self._poll_s = poll_s
        self._cursor: int | None = None

    def run(self) -> None:
        conn: sqlite3.Connection | None = None
        version: int | None = None
        missed = False
        backoff = 0.25
        while not self._stop_event.is_set():
            try:
                if conn is None:
                    conn = sqlite3.connect(self._path, timeout=5, isolation_level=None)
                    version = None
                current = conn.execute("PRAGMA data_version").fetchone()[0]
                if current != version:
                    version = current
                    missed = self._read_log(conn) or missed
                if missed:
                    self._resync()
                    missed = False
                self._alive_at = datetime.now(UTC)
                self.connected.set()
                backoff = 0.25
                self._stop_event.wait(self._poll_s)
            except sqlite3.Error as exc:
                logger.warning("change poller cannot read the database (%s); retrying",
                               type(exc).__name__)
                self.connected.clear()
                missed = True
                if conn is not None:
                    conn.close()
                    conn = None
                self._stop_event.wait(backoff)
                backoff = min(backoff * 2, 5.0)
        if conn is not None:
            conn.close()
        self.connected.clear()

    def _read_log(self, conn: sqlite3.Connection) -> bool:
        """Deliver other processes' events past the cursor; True if some were pruned unread."""
        if self._cursor is None:
            self._cursor = conn.execute("SELECT coalesce(max(id), 0) FROM change_log"
                                        ).fetchone()[0]
            return False
        rows = conn.execute("SELECT id, origin, payload FROM change_log WHERE id > ? "
                            "ORDER BY id", (self._cursor,)).fetchall()
        gap = bool(rows) and rows[0][0] > self._cursor + 1
        for row_id, origin, payload in rows:
            self._cursor = row_id
            if origin == self._bus.origin:
                continue
            try:
                change = ChangeEvent.from_json(payload)
            except (ValueError, KeyError, TypeError):
                logger.warning("ignored a malformed change log entry %s", row_id)
                continue
            self._bus.deliver(change)
        return gap
