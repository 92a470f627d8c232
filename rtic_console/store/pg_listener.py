"""LISTEN on PostgreSQL in its own thread and hand each notification to the change bus."""

from __future__ import annotations

import logging
import select
import threading

import psycopg2
import psycopg2.extensions

from rtic_console.store.change_bus import CHANNEL, ChangeBus, ChangeEvent
from rtic_console.store.database import Database

logger = logging.getLogger(__name__)


class PgListener(threading.Thread):
    """A dedicated blocking connection; reconnects with backoff when the server goes away.

    While disconnected it cannot hear events, so on reconnect it delivers a
    `resync` event telling every pane to reload what it shows.
    """

    def __init__(self, db: Database, bus: ChangeBus, poll_s: float = 0.5) -> None:
        super().__init__(name="PgListener", daemon=True)
        self._db = db
        self._bus = bus
        self._poll_s = poll_s
        self._stop_event = threading.Event()
        self.connected = threading.Event()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop_event.set()
        self.join(timeout)

    def run(self) -> None:
        backoff = 0.5
        first = True
        while not self._stop_event.is_set():
            try:
                conn = self._connect()
            except psycopg2.Error as exc:
                logger.warning("change listener cannot connect (%s); retrying in %.1fs",
                               type(exc).__name__, backoff)
                self._stop_event.wait(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            backoff = 0.5
            self.connected.set()
            if not first:
                self._bus.deliver(ChangeEvent("resync"))
            first = False
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
            dbname=url.database, connect_timeout=3, application_name="rtic-console-listener",
            keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=2)
        conn.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
        with conn.cursor() as cur:
            cur.execute(f"LISTEN {CHANNEL}")
        return conn

    def _listen(self, conn: psycopg2.extensions.connection) -> None:
        while not self._stop_event.is_set():
            ready, _, _ = select.select([conn], [], [], self._poll_s)
            if not ready:
                continue
            conn.poll()
            while conn.notifies:
                note = conn.notifies.pop(0)
                try:
                    change = ChangeEvent.from_json(note.payload)
                except (ValueError, KeyError, TypeError):
                    logger.warning("ignored a malformed change notification")
                    continue
                self._bus.deliver(change)
