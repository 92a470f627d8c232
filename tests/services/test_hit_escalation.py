"""A hit left waiting reaches the sergeant on duty, once (D.5.a)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.reads import PlateRead
from rtic_console.feeds.hit_escalation_worker import HitEscalationWorker
from rtic_console.services import hits as hit_service
from rtic_console.services.alerts import open_alerts
from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.services.context import Context
from rtic_console.services.hit_escalation import EscalationRule, escalate_waiting_hits
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.services.test_hit_pipeline import engine, ingest, listed  # noqa: F401

RULE = EscalationRule(unclaimed=timedelta(minutes=5), unfinished=timedelta(minutes=20))
WHO = SystemIdentity("hit-escalation", "ingest-1")


def read(plate: str, source_id: str) -> PlateRead:
    return PlateRead(source="openalpr", source_id=source_id, plate=plate, plate_raw=plate,
                     state="CA", confidence=0.9, captured_at=datetime.now(UTC),
                     device_ref="ALPR-FX-01", latitude=38.577, longitude=-121.485,
                     direction_deg=90.0)


def escalate(db: Database, after: timedelta) -> list[int]:
    with db.write() as session:
        return [e.hit_id for e in escalate_waiting_hits(session, WHO, RULE,
                                                        datetime.now(UTC) + after)]


@pytest.mark.policy("D.5.a")
def test_unclaimed_hit_is_escalated_once_to_the_sergeant(
        db: Database, engine: MatchingEngine, listed: Context, enrol) -> None:  # noqa: F811
    [hit_id] = ingest(db, engine, read("7ABC123", "a")).hit_ids
    sergeant = enrol("4102", "supervisor")
    dispatcher = enrol("5102", "dispatcher")
    assert escalate(db, timedelta(minutes=4)) == []
    assert escalate(db, timedelta(minutes=6)) == [hit_id]
    assert escalate(db, timedelta(minutes=7)) == []  # once per hit
    [alert] = query(db, sergeant, open_alerts)
    assert (alert.kind, alert.subject_type, alert.subject_id) == ("hit.escalated", "hit",
                                                                   str(hit_id))
    assert "unclaimed for 6 min" in alert.title and "D.5.a" in alert.body
    assert query(db, dispatcher, open_alerts) == []  # it is the sergeant's
    with db.read() as session:
        [event] = list_events(session, AuditFilter(action="hits.escalate"))
    assert event.object_id == str(hit_id) and event.actor_badge is None
    assert event.workstation == "ingest-1" and "system:hit-escalation" in (event.reason or "")
    assert event.details["alert_id"] == alert.id and event.details["why"] == "unclaimed"
    assert perform(db, listed, hit_service.list_hits)[0].escalated_at is not None


@pytest.mark.policy("D.5.a")
def test_claimed_hit_not_finished_is_escalated_by_the_worker(
        db: Database, engine: MatchingEngine, enrol, listed: Context) -> None:  # noqa: F811
    [hit_id] = ingest(db, engine, read("7ABC123", "a")).hit_ids
    dispatcher = enrol("5102", "dispatcher")
    perform(db, dispatcher, hit_service.claim_hit, hit_id)
    assert escalate(db, timedelta(minutes=6)) == []  # claimed: not unclaimed any more
    worker = HitEscalationWorker(db, "ingest-1", RULE,
                                 now=lambda: datetime.now(UTC) + timedelta(minutes=21))
    assert worker.check() == 1 and worker.check() == 0
    with db.read() as session:
        [event] = list_events(session, AuditFilter(action="hits.escalate"))
    assert event.details["why"] == "unfinished" and event.details["limit_minutes"] == 20
