"""The audit table on both engines: chained appends, refusal of edits, tamper detection."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from rtic_console.store.audit_log import append_event, verify
from rtic_console.store.database import Database
from tests.support import tamper


def _append(db: Database, n: int, who: str = "1001") -> None:
    for i in range(n):
        with db.write() as session:
            append_event(session, actor_badge=who, workstation="WS", action="test.event",
                         object_type="thing", object_id=i, details={"i": i, "who": who})


@pytest.mark.policy("AUDIT")
def test_chain_intact_after_appends(db: Database) -> None:
    _append(db, 5)
    with db.read() as session:
        report = verify(session)
    assert report.ok and report.events_checked == 5


@pytest.mark.policy("AUDIT")
def test_event_is_written_with_the_change_or_not_at_all(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write() as session:
        append_event(session, actor_badge="1", workstation="WS", action="test.event")
        raise RuntimeError("the change failed")
    with db.read() as session:
        assert verify(session).events_checked == 0


@pytest.mark.policy("AUDIT")
def test_database_refuses_update_and_delete(db: Database, owner_db: Database) -> None:
    """Even the schema's owner meets the triggers (the console's login has no such rights at
    all: tests/store/test_db_roles.py)."""
    _append(db, 2)
    for statement in ("UPDATE audit_events SET action = 'x' WHERE seq = 1",
                      "DELETE FROM audit_events WHERE seq = 2"):
        with pytest.raises(DBAPIError, match="append-only"), owner_db.write() as session:
            session.execute(text(statement))
    if db.is_postgres:
        with pytest.raises(DBAPIError, match="append-only"), owner_db.write() as session:
            session.execute(text("TRUNCATE audit_events"))
    with db.read() as session:
        assert verify(session).events_checked == 2


@pytest.mark.policy("AUDIT")
@pytest.mark.parametrize("statements,bad_seq", [
    (["UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 3"], 3),
    (["DELETE FROM audit_events WHERE seq = 2"], 2),
    (["UPDATE audit_events SET seq = 100 WHERE seq = 2",
      "UPDATE audit_events SET seq = 2 WHERE seq = 3",
      "UPDATE audit_events SET seq = 3 WHERE seq = 100"], 2),
    (["UPDATE audit_events SET seq = 6 WHERE seq = 5",
      "UPDATE audit_events SET seq = 5 WHERE seq = 4",
      "UPDATE audit_events SET seq = 4 WHERE seq = 3",
      "INSERT INTO audit_events (seq, occurred_at, action, details, prev_hash, hash) "
      "SELECT 3, occurred_at, 'forged', '{}', hash, hash FROM audit_events WHERE seq = 2"], 3),
], ids=["altered", "removed", "reordered", "inserted"])
def test_verify_names_first_bad_sequence(db: Database, owner_db: Database,
                                         statements: list[str], bad_seq: int) -> None:
    _append(db, 5)
    tamper(owner_db, *statements)
    with db.read() as session:
        report = verify(session)
    assert not report.ok
    assert report.first_bad_seq == bad_seq


@pytest.mark.postgres
@pytest.mark.policy("AUDIT")
def test_concurrent_writers_keep_one_chain(pg_url: str) -> None:
    from rtic_console.store.database import open_database
    from rtic_console.store.migrations import upgrade

    db = open_database(pg_url)
    upgrade(db)
    errors: list[BaseException] = []

    def writer(who: str) -> None:
        try:
            _append(db, 25, who)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"{i}00",)) for i in range(1, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors
        with db.read() as session:
            report = verify(session)
        assert report.ok and report.events_checked == 150
    finally:
        db.dispose()
