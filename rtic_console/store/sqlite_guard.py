"""Refuses a corrupt or foreign SQLite file before anything could write to it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
OUR_TABLES = {"alembic_version", "personnel", "audit_events"}


class UnusableDatabaseFile(RuntimeError):
    """The file is not an RTIC Console database; it was left untouched."""


def check_sqlite_file(path: Path) -> None:
    """Open read-only and look; a missing or empty file is fine (it becomes a new database)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise UnusableDatabaseFile(f"{path} is a folder, not a database file")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise UnusableDatabaseFile(
                f"{path} is not an SQLite database (its header is wrong); it was left untouched")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UnusableDatabaseFile(f"{path} cannot be opened: {exc}") from None
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise UnusableDatabaseFile(
                f"{path} is corrupt ({check[0] if check else 'no answer'}); it was left "
                "untouched. Restore it from a backup.")
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise UnusableDatabaseFile(
            f"{path} is corrupt ({exc}); it was left untouched. Restore it from a backup."
        ) from None
    finally:
        conn.close()
    if tables and not tables >= OUR_TABLES:
        listed = ", ".join(sorted(tables)[:5])
        raise UnusableDatabaseFile(
            f"{path} is another program's database (tables: {listed}); it was left untouched")
