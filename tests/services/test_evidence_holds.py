"""Evidence holds by case (C.1, F.4, F.5): what they may name, who places and releases them,
and an export's hold listed and released like any other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from rtic_console.domain.recipients import ExportRecipient
from rtic_console.services import evidence_holds, recordings
from rtic_console.services import hits as hit_service
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.evidence_export import export_evidence
from rtic_console.services.evidence_holds import HoldRequest
from rtic_console.services.runner import perform, query
from rtic_console.services.search import SearchInput, search_reads
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import Detection
from tests.refusals import assert_refused
from tests.services.pscn_support import add_camera, write_segment
from tests.services.retention_support import add_read

NOW = datetime.now(UTC)


def _hold(db: Database, ctx: Context, **what: object) -> evidence_holds.HoldView:
    return perform(db, ctx, evidence_holds.place_hold,
                   HoldRequest(what.pop("case", "26-100"), what.pop("reason", "homicide"),
                               **what))


@pytest.mark.policy("C.1")
def test_holds_of_every_kind_are_placed_listed_and_released(db: Database, admin: Context,
                                                            tmp_path: Path) -> None:
    read_id, hit_id = add_read(db, "7ABC123", NOW - timedelta(days=100), hit=True)
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    with db.write() as session:
        recordings.index_segment(session, write_segment(tmp_path, camera.id,
                                                        NOW - timedelta(days=95), 3))
    by_read = _hold(db, admin, detection_id=read_id)
    by_hit = _hold(db, admin, hit_id=hit_id)
    by_plate = _hold(db, admin, plate="7abc-123", start=NOW - timedelta(days=101), end=NOW)
    by_camera = _hold(db, admin, camera="cam-ag-01", start=NOW - timedelta(days=96),
                      end=NOW - timedelta(days=94))
    assert (by_hit.scope, by_hit.detection_id) == ("hit", read_id)
    assert (by_plate.plate, by_camera.camera) == ("7ABC123", "CAM-AG-01")
    listed = query(db, admin, evidence_holds.list_holds)
    assert [v.id for v in listed] == [by_camera.id, by_plate.id, by_hit.id, by_read.id]
    with db.read() as session:
        assert set(session.scalars(select(Detection.id).where(
            Detection.id.in_([read_id, read_id + 1000]), evidence_holds.detection_held()))) \
            == {read_id}
    released = perform(db, admin, evidence_holds.release_hold, by_read.id, "case closed")
    assert released.released_by == "1001" and released.release_reason == "case closed"
    assert [v.id for v in query(db, admin, evidence_holds.list_holds, case_number="26-1")] \
        == [by_camera.id, by_plate.id, by_hit.id]
    assert len(query(db, admin, evidence_holds.list_holds, False)) == 4
    with db.read() as session:
        placed = list_events(session, AuditFilter(action="evidence.hold"))
        (release,) = list_events(session, AuditFilter(action="evidence.release"))
    assert len(placed) == 4 and release.reason == "case closed"
    assert {e.details["scope"] for e in placed} == {"detection", "hit", "plate", "video"}


@pytest.mark.policy("C.1")
def test_holds_on_nothing_are_refused(db: Database, admin: Context, tmp_path: Path) -> None:
    read_id, _ = add_read(db, "7ABC123", NOW - timedelta(days=100))
    add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    cases = [
        ({"detection_id": read_id + 99}, "there is no read"),
        ({"hit_id": 424242}, "there is no hit"),
        ({"plate": "7ABC123", "start": NOW, "end": NOW - timedelta(days=1)},
         "must end after it starts"),
        ({"plate": "8XYZ999", "start": NOW - timedelta(days=200), "end": NOW},
         "no read of that plate"),
        ({"case": " ", "detection_id": read_id}, "needs a case number"),
        ({"reason": "", "detection_id": read_id}, "needs a reason"),
    ]
    for what, message in cases:
        event = assert_refused(db, lambda what=what: _hold(db, admin, **what),
                               action="evidence.hold", clause="C.1", match=message,
                               error=InputRejected)
        assert "8XYZ999" not in str(event), "a refusal's event names no plate"
    assert_refused(db, lambda: _hold(db, admin, camera="CAM-AG-01", start=NOW
                                     - timedelta(days=2), end=NOW),
                   action="evidence.hold", clause="F.5", match="no recording of CAM-AG-01",
                   error=InputRejected)
    hold = _hold(db, admin, detection_id=read_id)
    perform(db, admin, evidence_holds.release_hold, hold.id, "case closed")
    assert_refused(db, lambda: perform(db, admin, evidence_holds.release_hold, hold.id,
                                       "again"),
                   action="evidence.release", clause="C.1", match="already released",
                   error=InputRejected)


@pytest.mark.policy("A.2")
def test_only_alpr_administrators_place_and_release(db: Database, admin: Context,
                                                    enrol) -> None:
    read_id, _ = add_read(db, "7ABC123", NOW - timedelta(days=100))
    supervisor = enrol("7001", "supervisor")
    assert_refused(db, lambda: _hold(db, supervisor, detection_id=read_id),
                   action="evidence.hold", error=Refused)
    hold = _hold(db, admin, detection_id=read_id)
    assert_refused(db, lambda: perform(db, supervisor, evidence_holds.release_hold, hold.id,
                                       "not mine"),
                   action="evidence.release", error=Refused)
    assert [v.id for v in query(db, supervisor, evidence_holds.list_holds)] == [hold.id]


@pytest.mark.policy("F.5")
def test_an_exports_hold_is_listed_and_released_like_any_other(db: Database, admin: Context,
                                                               tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    t0 = (NOW - timedelta(hours=1)).replace(microsecond=0)
    with db.write() as session:
        recordings.index_segment(session, write_segment(tmp_path / "rec", camera.id, t0, 10))
    result = export_evidence(db, admin, camera.id, t0, t0 + timedelta(seconds=1), "26-9",
                             None, "robbery", tmp_path / "evidence",
                             recipient=ExportRecipient.spd("26-9"))
    (hold,) = query(db, admin, evidence_holds.list_holds)
    assert (hold.id, hold.scope, hold.camera, hold.export_id) == (
        result.hold_id, "video", "CAM-AG-01", result.export_id)
    perform(db, admin, evidence_holds.release_hold, hold.id, "booked into evidence")
    assert query(db, admin, evidence_holds.list_holds) == []


@pytest.mark.policy("C.1")
def test_held_reads_carry_a_hold_mark_in_search_and_hit_detail(db: Database,
                                                               admin: Context) -> None:
    held_id, hit_id = add_read(db, "7ABC123", NOW - timedelta(days=100), hit=True)
    free_id, _ = add_read(db, "7ABC123", NOW - timedelta(days=50))
    _hold(db, admin, case="26-777", hit_id=hit_id)
    result = perform(db, admin, search_reads, SearchInput(
        plate="7ABC123", purpose="stolen_vehicle_or_plate", case_number="26-1",
        time_from=NOW - timedelta(days=200), time_to=NOW))
    assert {r.detection_id: r.held for r in result.reads} == {held_id: True, free_id: False}
    assert query(db, admin, hit_service.hit_detail, hit_id).held_for == ("26-777",)
