"""The one assertion a refusal test makes: refused, nothing written, and the refusal audited."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from sqlalchemy import func, inspect, select, text

from rtic_console.domain.audit_chain import AuditRecord
from rtic_console.services.context import InputRejected, Refused
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import AuditEvent

# Tables a refusal may touch: the trail, the change log its event is announced in, and
# Alembic's own bookkeeping.
_NOT_DATA = frozenset({"audit_events", "change_log", "alembic_version"})


def table_digests(db: Database) -> dict[str, str]:
    """A digest of every stored row per table, so any write at all is seen."""
    with db.read() as session:
        names = sorted(set(inspect(session.connection()).get_table_names()) - _NOT_DATA)
        digests = {}
        for name in names:
            rows = session.execute(text(f'SELECT * FROM "{name}"')).all()  # noqa: S608
            digests[name] = hashlib.sha256(
                "\n".join(sorted(repr(tuple(map(_value, r))) for r in rows)).encode()
            ).hexdigest()
        return digests


def _value(cell: object) -> object:
    """psycopg2 returns bytea as a memoryview, whose repr is its address, not its bytes."""
    return bytes(cell) if isinstance(cell, memoryview) else cell


def head_seq(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0))) or 0


def events_after(db: Database, seq: int) -> list[AuditRecord]:
    with db.read() as session:
        return [e for e in reversed(list_events(session, AuditFilter(limit=None)))
                if e.seq > seq]


def assert_refused(db: Database, attempt: Callable[[], object], *, action: str,
                   clause: str | None = None, match: str | None = None,
                   error: type[Exception] | tuple[type[Exception], ...] = (Refused,
                                                                          InputRejected),
                   signed_in: bool = False) -> AuditRecord:
    """Run attempt and prove the three things a policy test shows.

    1. It raises (a `Refused` or `InputRejected` by default) whose message matches `match`.
    2. No table but the audit trail changed.
    3. Exactly one event was appended: `<action>.refused`, naming `clause` when given.
    `signed_in` allows the one `auth.sign_in` event before it that a CLI command writes
    when it signs its `--as` person in. Returns the refusal event for further checks.
    """
    before, seq = table_digests(db), head_seq(db)
    with pytest.raises(error, match=match):
        attempt()
    after = table_digests(db)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert not changed, f"the refused attempt wrote to {', '.join(changed)}"
    events = events_after(db, seq)
    if signed_in and events and events[0].action == "auth.sign_in":
        events = events[1:]
    assert [e.action for e in events] == [f"{action}.refused"], (
        f"expected one {action}.refused event, the trail got {[e.action for e in events]}")
    event = events[0]
    if clause is not None:
        assert event.details.get("clause") == clause, (
            f"{event.action} names clause {event.details.get('clause')!r}, not {clause!r}")
    return event
