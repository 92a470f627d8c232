"""No plate past retention in the audit trail (C.1): the trail keeps keyed digests, the plain
plate sits in a purgeable side table, the chain still verifies after the purge, and a
reviewer still finds "who searched plate X" by its digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text, update

from rtic_console.services import audit_anchor, audit_review, plate_key, retention
from rtic_console.services.context import Context, InputRejected
from rtic_console.services.retention_purge import run_purge
from rtic_console.services.runner import perform, query
from rtic_console.store import audit_log
from rtic_console.store.audit_log import AuditFilter, append_event, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import AuditPlate
from rtic_console.store.plate_key import (
    PLATE_KEY_ENV,
    PlateKey,
    load_plate_key,
    parse_plate_key,
)
from tests.services.test_hit_pipeline import engine, ingest, listed, read  # noqa: F401
from tests.services.test_search import reads, run  # noqa: F401


def _trail_text(db: Database) -> str:
    """Everything the trail holds, as text."""
    with db.read() as session:
        rows = session.execute(text("SELECT object_id, reason, details FROM audit_events"))
        return "\n".join(" ".join(str(c) for c in row) for row in rows)


def _age_side_table(db: Database, days: int) -> None:
    """The side table's rows as if their events were `days` old (the trail's own times
    cannot be changed)."""
    with db.write() as session:
        session.execute(update(AuditPlate).values(
            occurred_at=datetime.now(UTC) - timedelta(days=days)))


@pytest.mark.policy("C.1")
def test_a_searched_plate_is_a_digest_in_the_trail_and_gone_after_retention(
        db: Database, enrol, reads, admin: Context, settings) -> None:  # noqa: F811
    officer = enrol("6301", "officer")
    run(db, officer, plate="7abc-123")
    assert "7ABC123" not in _trail_text(db), "the trail never holds the plain plate"
    key = load_plate_key(create=False)
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="search.run"))
    assert event.details["plate_hmac"] == key.digest("7ABC123")
    assert event.plates == {"plate": "7ABC123"}
    assert event.shown_details()["plate"] == "7ABC123"
    assert "plate_hmac" not in event.shown_details()

    perform(db, admin, retention.set_retention, "search_plates", 90)
    _age_side_table(db, 100)
    report = run_purge(db, admin)
    assert {k.kind.value: k.removed["audit_plates"] for k in report.kinds}["search_plates"] == 1
    with db.read() as session:
        assert not session.scalars(select(AuditPlate).where(AuditPlate.plate == "7ABC123")
                                   ).all()
        trail = audit_anchor.verify_trail(session, settings)
    assert trail.ok, trail.problem
    (found,) = query(db, admin, audit_review.list_events,
                     AuditFilter(action="search.run", plate="7abc 123"))
    assert found.seq == event.seq and found.actor_badge == "6301"
    assert found.plates == {} and found.shown_details()["plate_hmac"] == key.digest("7ABC123")
    with pytest.raises(InputRejected, match="plate"):
        query(db, admin, audit_review.list_events, AuditFilter(plate="7ABC'--"))


@pytest.mark.policy("C.1")
def test_hits_and_hot_plates_are_digests_too(db: Database, engine, listed,  # noqa: F811
                                             admin: Context) -> None:
    ingest(db, engine, read("7ABC123"))
    assert "7ABC123" not in _trail_text(db)
    with db.read() as session:
        (hit,) = list_events(session, AuditFilter(action="hits.created"))
        (entry,) = list_events(session, AuditFilter(action="hotlist.add"))
    assert hit.plates == {"plate": "7ABC123", "listed_plate": "7ABC123"}
    assert hit.details["plate_hmac"] == hit.details["listed_plate_hmac"]
    assert entry.plates == {"plate": "7ABC123"}
    named = query(db, admin, audit_review.list_events, AuditFilter(plate="7ABC123"))
    assert {e.action for e in named} == {"hits.created", "hotlist.add"}


def test_without_a_plate_key_the_trail_still_holds_no_plate(db: Database, no_keyring,
                                                              caplog, monkeypatch) -> None:
    monkeypatch.setattr(audit_log, "_WARNED", set())  # it warns once per process
    with db.write() as session:
        append_event(session, actor_badge=None, workstation="W", action="test.plate",
                     plates={"plate": "7ABC123"})
    assert "7ABC123" not in _trail_text(db)
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="test.plate"))
    assert event.details == {"plate_hmac": None} and event.plates == {"plate": "7ABC123"}
    assert "without their digest" in caplog.text


def test_a_headless_service_takes_the_key_from_its_environment(db: Database, no_keyring,
                                                              monkeypatch) -> None:
    text_key = "B" * 43 + "="
    monkeypatch.setenv(PLATE_KEY_ENV, text_key)
    with db.write() as session:
        record = append_event(session, actor_badge=None, workstation="W", action="test.plate",
                              plates={"plate": "7ABC123"})
    assert record.details["plate_hmac"] == parse_plate_key(text_key).digest("7ABC123")


def test_after_a_purge_the_trail_still_names_its_plate_key(
        db: Database, enrol, reads, admin: Context, tmp_path) -> None:  # noqa: F811
    """The plain plates' side table goes with retention; the key the trail's digests were
    made with must still be known, or another key could be imported and split the trail."""
    run(db, enrol("6301", "officer"), plate="7ABC123")
    perform(db, admin, retention.set_retention, "search_plates", 90)
    _age_side_table(db, 100)
    run_purge(db, admin)
    with db.read() as session:
        assert session.scalar(select(AuditPlate.seq)) is None, "the side table is empty"
        assert plate_key.key_in_use(session) == load_plate_key(create=False).key_id
    other = tmp_path / "other.key"
    other.write_text(PlateKey(bytes(range(32))).text + "\n", encoding="ascii")
    with pytest.raises(InputRejected, match="another key"):
        perform(db, admin, plate_key.import_plate_key, other)
