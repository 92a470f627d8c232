"""LISTEN on PostgreSQL in its own thread and hand each notification to the change bus."""

from __future__ import annotations

import logging
import select
from datetime import UTC, datetime
from time import monotonic

import psycopg2
import psycopg2.extensions
from psycopg2.extensions import POLL_OK, POLL_READ, POLL_WRITE

from rtic_console.store.change_bus import CHANNEL, ChangeBus, ChangeEvent, ListenerThread
from rtic_console.store.database import Database

logger = logging.getLogger(__name__)


class ListenerTimeout(OSError):
    """The server did not answer in time: a hung server, treated as a lost connection."""


class PgListener(ListenerThread):
    """A dedicated connection in asynchronous mode, so no call can hang on a hung server.

    An idle connection is checked every `check_s` with a query that must answer within
    `answer_s`; a connection that fails or does not answer is dropped and opened again
    with backoff. While it is away it cannot hear events: `connected` is clear, and on
    reconnect it delivers a `resync` event naming the last moment it knew it heard
    everything, so every pane reloads and the ingest service matches again since then.
    """

    def __init__(self, db: Database, bus: ChangeBus, poll_s: float = 0.25,
                 check_s: float = 2.0, answer_s: float = 3.0) -> None:
        super().__init__("PgListener", bus)
        self._db = db
        self._poll_s = poll_s
        self._check_s = check_s
        self._answer_s = answer_s

    def run(self) -> None:
        backoff = 0.5
        first = True
        while not self._stop_event.is_set():
            try:
                conn = self._connect()
            except (psycopg2.Error, OSError) as exc:
                logger.warning("change listener cannot connect (%s); retrying in %.1fs",
                               type(exc).__name__, backoff)
                self._stop_event.wait(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            backoff = 0.5
            self.connected.set()
            if not first:
                self._resync()
            first = False
            self._alive_at = datetime.now(UTC)
            try:
                self._listen(conn)
            except (psycopg2.Error, OSError) as exc:
                logger.warning("change listener lost its connection (%s)", type(exc).__name__)
            finally:
                self.connected.clear()
                conn.close()

    def _connect(self) -> psycopg2.extensions.connection:
        url = self._db.url
        conn = psycopg2.connect(
            host=url.host, port=url.port or 5432, user=url.username, password=url.password,
            dbname=url.database, application_name="rtic-console-listener", async_=True,
            keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=2)
        try:
            self._wait(conn, monotonic() + self._answer_s)
            cursor = conn.cursor()  # held until answered: psycopg2 drops an orphan's query
            cursor.execute(f"LISTEN {CHANNEL}")
            self._wait(conn, monotonic() + self._answer_s)
            cursor.close()
        except BaseException:
            conn.close()
            raise
        return conn

    def _wait(self, conn: psycopg2.extensions.connection, deadline: float) -> None:
        """Drive the connection until its current operation is done, or time out."""
        while True:
            state = conn.poll()
            if state == POLL_OK:
                return
            left = deadline - monotonic()
            if left <= 0 or self._stop_event.is_set():
                raise ListenerTimeout("the database did not answer in time")
            wait = min(left, self._poll_s)
            if state == POLL_READ:
                select.select([conn], [], [], wait)
            elif state == POLL_WRITE:
                select.select([], [conn], [], wait)

    def _listen(self, conn: psycopg2.extensions.connection) -> None:
        check_cursor: psycopg2.extensions.cursor | None = None
        asked_at = quiet_since = monotonic()
        while not self._stop_event.is_set():
            select.select([conn], [], [], self._poll_s)
            if conn.poll() == POLL_OK and check_cursor is not None:
                check_cursor = None
                quiet_since = monotonic()
                self._alive_at = datetime.now(UTC)
            self._deliver(conn)
            now = monotonic()
            if check_cursor is None and now - quiet_since >= self._check_s:
                check_cursor = conn.cursor()
                check_cursor.execute("SELECT 1")  # asynchronous: answered through poll()
                asked_at = now
            elif check_cursor is not None and now - asked_at > self._answer_s:
                raise ListenerTimeout(f"no answer to a check within {self._answer_s:.0f} s")

    def _deliver(self, conn: psycopg2.extensions.connection) -> None:
        while conn.notifies:
            note = conn.notifies.pop(0)
            try:
                change = ChangeEvent.from_json(note.payload)
            except (ValueError, KeyError, TypeError):
                logger.warning("ignored a malformed change notification")
                continue
            self._bus.deliver(change)
