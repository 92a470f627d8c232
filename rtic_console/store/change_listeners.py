"""The one way a process hears committed changes of other processes, on either engine."""

from __future__ import annotations

import threading
from typing import Protocol

from rtic_console.store.database import Database
from rtic_console.store.pg_listener import PgListener
from rtic_console.store.sqlite_changes import SqliteChangePoller


class ChangeListener(Protocol):
    """A thread feeding `db.bus`; `connected` is set while it can hear every change."""

    connected: threading.Event

    def start(self) -> None: ...

    def stop(self, timeout: float = 5.0) -> None: ...


def change_listener(db: Database) -> ChangeListener | None:
    """One per process and database; None for an in-memory database (no other process)."""
    if db.is_postgres:
        return PgListener(db, db.bus)
    if db.url.database and db.url.database != ":memory:":
        return SqliteChangePoller(db, db.bus)
    return None
