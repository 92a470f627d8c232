"""Retention settings in the database: 90 days to 2 years, set by an ALPR administrator,
audited, the same for every console (C.1, F.5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.retention import DEFAULT_DAYS, RetentionKind, cutoff
from rtic_console.services import retention
from rtic_console.services.context import Context, Refused
from rtic_console.services.retention_purge import run_purge
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.retention_support import add_read


@pytest.mark.policy("C.1")
def test_set_and_read_back_on_every_console(db: Database, admin: Context, db_url: str) -> None:
    views = query(db, admin, retention.show_retention)
    assert {v.kind: v.days for v in views} == {k: DEFAULT_DAYS for k in RetentionKind}
    assert all(v.updated_by is None for v in views)
    view = perform(db, admin, retention.set_retention, "detections", 365)
    assert (view.kind, view.days, view.updated_by) == (RetentionKind.DETECTIONS, 365, "1001")
    perform(db, admin, retention.set_retention, "recordings", 90)
    with db.read() as session:
        assert retention.retention_days(session)[RetentionKind.DETECTIONS] == 365
        assert retention.retention_days(session)[RetentionKind.RECORDINGS] == 90
    with db.read() as session:
        (event, _) = list_events(session, AuditFilter(action="retention.set"))
    assert event.details == {"kind": "recordings", "days": 90, "previous": DEFAULT_DAYS}
    assert event.actor_badge == "1001"
    # The same value again is not a change of the record (a trial's 80 was refused by the
    # field, which then sent the 730 it still held).
    assert_refused(db, lambda: perform(db, admin, retention.set_retention, "detections", 365),
                   action="retention.set", match="365 days already; nothing was changed")


@pytest.mark.policy("C.1")
@pytest.mark.parametrize("days", [89, 731, 0, -5])
def test_outside_90_days_to_2_years_is_refused(db: Database, admin: Context,
                                               days: int) -> None:
    assert_refused(db, lambda: perform(db, admin, retention.set_retention, "detections", days),
                   action="retention.set", clause="C.1", match="between 90 days and 730",
                   error=Refused)


@pytest.mark.policy("A.2")
def test_only_an_alpr_administrator_sets_retention(db: Database, enrol) -> None:
    supervisor = enrol("7001", "supervisor")
    assert query(db, supervisor, retention.show_retention)
    assert_refused(db, lambda: perform(db, supervisor, retention.set_retention, "detections",
                                       120),
                   action="retention.set", error=Refused)


def test_the_cutoff_is_never_younger_than_90_days() -> None:
    now = datetime(2026, 12, 6, tzinfo=UTC)
    assert cutoff(now, 10) == now - timedelta(days=90)
    assert cutoff(now, 400) == now - timedelta(days=400)
    assert cutoff(now, 5000) == now - timedelta(days=730)


def test_database_clock_is_the_servers(db: Database) -> None:
    with db.read() as session:
        server = retention.database_now(session)
    assert server.tzinfo is not None
    assert abs(server - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_overview_shows_oldest_data_and_the_last_purge(db: Database, admin: Context) -> None:
    empty = query(db, admin, retention.retention_overview)
    assert empty.last_purge is None and empty.active_holds == 0
    assert set(empty.oldest.values()) == {None}
    old = datetime.now(UTC) - timedelta(days=40)
    add_read(db, "7ABC123", old, hit=True)
    add_read(db, "7ABC124", old + timedelta(days=1))
    report = run_purge(db, admin)
    seen = query(db, admin, retention.retention_overview)
    assert seen.oldest[RetentionKind.DETECTIONS] == old
    assert seen.oldest[RetentionKind.HIT_IMAGES] == old
    assert seen.oldest[RetentionKind.RECORDINGS] is None
    assert seen.last_purge is not None and seen.last_purge.id == report.run_id
    assert seen.last_purge.run_by == "1001" and seen.last_purge.outcome == "done"
