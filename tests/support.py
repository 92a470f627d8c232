"""Constants and small helpers the tests share."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

from rtic_console.store.database import Database

PASSWORD = "correct-horse-battery"


def trained(days_ago: int = 100) -> str:
    """A training date that counts today."""
    return (date.today() - timedelta(days=days_ago)).isoformat()


def tamper(owner: Database, *statements: str) -> None:
    """What an intruder with the schema owner's rights does: switch the guard off, edit,
    switch it on. On SQLite the file's owner drops the triggers."""
    with owner.engine.begin() as conn:
        if owner.is_postgres:
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
        for statement in statements:
            conn.execute(text(statement))
        if owner.is_postgres:
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
