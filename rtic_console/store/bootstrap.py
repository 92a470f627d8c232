"""Opening the configured database ready for use: checked, migrated or refused."""

from __future__ import annotations

from pathlib import Path

from rtic_console.store.database import Database, open_database, parse_url
from rtic_console.store.migrations import ensure_schema
from rtic_console.store.sqlite_guard import check_sqlite_file


def connect(url: str, *, interactive: bool | None = None, read_replica_url: str = ""
            ) -> Database:
    """The database at url, with its schema current, or an exception saying why not; with
    a read replica attached when one is given."""
    db = open_database(url, interactive=interactive)
    if not db.is_postgres and db.url.database and db.url.database != ":memory:":
        check_sqlite_file(Path(db.url.database))
    try:
        ensure_schema(db)
        if read_replica_url:
            db.attach_replica(read_replica_url, interactive=interactive)
    except Exception:
        db.dispose()
        raise
    return db


def open_for_service(url: str) -> Database:
    """For a long-running service: an SQLite file is checked and migrated now, but a
    PostgreSQL server is not contacted, so the service starts while it is away and checks
    the schema itself when it answers."""
    if parse_url(url).get_backend_name() == "sqlite":
        return connect(url)
    return open_database(url)
