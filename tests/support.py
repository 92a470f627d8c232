"""Constants and small helpers the tests share."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from rtic_console.domain.audit_chain import GENESIS_HASH, canonical_details, event_hash
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database

PASSWORD = "correct-horse-battery"
# Threads of ours, daemon or not: our pools ("rtic-..."), and the workers, watchdogs,
# listeners, pollers and supervisors that name themselves so.
OUR_THREADS = re.compile(r"^rtic-|(Worker|Watchdog|Listener|Poller|Supervisor)$")


def threads_of_ours(before: set[threading.Thread]) -> list[threading.Thread]:
    """Threads of ours alive now that were not running at `before`."""
    return [t for t in threading.enumerate()
            if t not in before and t.is_alive() and OUR_THREADS.search(t.name)]


def trained(days_ago: int = 100) -> str:
    """A training date that counts today."""
    return (date.today() - timedelta(days=days_ago)).isoformat()


def tamper(owner: Database, *statements: str | tuple[str, dict[str, Any]]) -> None:
    """What an intruder with the schema owner's rights does: switch the guard off, edit,
    switch it on. On SQLite the file's owner drops the triggers. A statement is SQL, or SQL
    with its bound values."""
    with owner.engine.begin() as conn:
        if owner.is_postgres:
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
        for statement in statements:
            sql, values = statement if isinstance(statement, tuple) else (statement, {})
            conn.execute(text(sql), values)
        if owner.is_postgres:
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))


def rewrite_trail(owner: Database, seq: int, reason: str) -> None:
    """The attack of issue 12: as the schema's owner, switch the triggers off, change one
    event and recompute every hash after it with the keyless chain function."""
    with owner.read() as session:
        records = list(reversed(list_events(session, AuditFilter(limit=None))))
    statements: list[tuple[str, dict[str, object]]] = []
    prev = GENESIS_HASH
    for r in records:
        new_reason = reason if r.seq == seq else r.reason
        digest = event_hash(seq=r.seq, occurred_at=r.occurred_at, actor_badge=r.actor_badge,
                            workstation=r.workstation, action=r.action,
                            object_type=r.object_type, object_id=r.object_id,
                            reason=new_reason, details_json=canonical_details(r.details),
                            prev_hash=prev)
        statements.append(("UPDATE audit_events SET reason = :r, prev_hash = :p, hash = :h "
                           "WHERE seq = :s", {"r": new_reason, "p": prev, "h": digest,
                                              "s": r.seq}))
        prev = digest
    tamper(owner, *statements)


def truncate_trail(owner: Database, from_seq: int) -> None:
    tamper(owner, ("DELETE FROM audit_events WHERE seq >= :s", {"s": from_seq}))
