"""The one way a process hears committed changes of other processes, on either engine."""

from __future__ import annotations

from rtic_console.store.change_bus import ListenerThread
from rtic_console.store.database import Database
from rtic_console.store.pg_listener import PgListener
from rtic_console.store.sqlite_changes import SqliteChangePoller

# A thread feeding `db.bus`; `connected` is set while it hears every change.
ChangeListener = ListenerThread


def change_listener(db: Database) -> ChangeListener | None:
    """One per process and database; None for an in-memory database (no other process)."""
    if db.is_postgres:
        return PgListener(db, db.bus)
    if db.url.database and db.url.database != ":memory:":
        return SqliteChangePoller(db, db.bus)
    return None
