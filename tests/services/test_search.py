"""Plate search: purpose and case first (D.1), wildcard and OCR-equivalent, radius, the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.reads import PlateRead
from rtic_console.services.context import InputRejected, Refused
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.services.search import SearchInput, search_reads
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import SearchRecord

NOW = datetime.now(UTC)
PLACES = {"midtown": (38.5770, -121.4850), "south": (38.4957, -121.4693)}


@pytest.fixture
def reads(db: Database) -> None:
    rows = []
    for i, (plate, place) in enumerate((("7ABC123", "midtown"), ("7A8C123", "midtown"),
                                        ("7ABC999", "south"), ("4XYZ001", "south"))):
        lat, lon = PLACES[place]
        rows.append(PlateRead(source="csv", source_id=f"s{i}", plate=plate, plate_raw=plate,
                              state="CA", confidence=0.9,
                              captured_at=NOW - timedelta(minutes=10 * i),
                              device_ref="R1", latitude=lat, longitude=lon))
    with db.write() as session:
        ingest_reads(session, rows, MatchingEngine(), NOW, "test")


def run(db, ctx, **kw):  # type: ignore[no-untyped-def]
    base = {"purpose": "stolen_vehicle_or_plate", "case_number": "26-1"}
    return perform(db, ctx, search_reads, SearchInput(**{**base, **kw}))


@pytest.mark.policy("D.1")
@pytest.mark.parametrize("missing", ["purpose", "case_number"])
def test_refused_without_purpose_or_case(db: Database, enrol, reads, missing: str) -> None:
    officer = enrol("6301", "officer")
    with pytest.raises(Refused, match=r"D\.1"):
        run(db, officer, plate="7ABC123", **{missing: None})
    with db.read() as session:
        assert session.query(SearchRecord).count() == 0
        assert list_events(session, AuditFilter(action="search.run.refused"))


@pytest.mark.policy("D.2.b")
def test_search_is_logged_and_audited(db: Database, enrol, reads) -> None:
    officer = enrol("6301", "officer")
    result = run(db, officer, plate="7abc-123")
    assert [r.plate for r in result.reads] == ["7ABC123"]
    with db.read() as session:
        log = session.get(SearchRecord, result.search_id)
        assert log.actor_badge == "6301" and log.case_number == "26-1"
        assert log.purpose == "stolen_vehicle_or_plate" and log.result_count == 1
        assert list_events(session, AuditFilter(action="search.run"))[0].details["results"] == 1


def test_wildcard_and_ocr_equivalent(db: Database, enrol, reads) -> None:
    officer = enrol("6301", "officer")
    assert {r.plate for r in run(db, officer, plate="7AB*").reads} == {"7ABC123", "7ABC999"}
    assert {r.plate for r in run(db, officer, plate="7A?C123").reads} == {"7ABC123", "7A8C123"}
    ocr = run(db, officer, plate="7ABC123", match_mode="ocr").reads
    assert {r.plate for r in ocr} == {"7ABC123", "7A8C123"}


def test_radius_and_time(db: Database, enrol, reads) -> None:
    officer = enrol("6301", "officer")
    near = run(db, officer, purpose="crime_scene_canvass", near=PLACES["south"], radius_m=500)
    assert {r.plate for r in near.reads} == {"7ABC999", "4XYZ001"}
    recent = run(db, officer, plate="7AB*", time_from=NOW - timedelta(minutes=5))
    assert {r.plate for r in recent.reads} == {"7ABC123"}


@pytest.mark.parametrize("kw,message", [
    ({"plate": "*"}, "wildcards alone"),
    ({"plate": "**?"}, "wildcards alone"),
    ({"plate": "7ABC'; DROP TABLE detections;--"}, "plate pattern"),
    ({"near": (38.5, -121.5), "radius_m": 10_000_000}, "radius"),
    ({"near": (95.0, -121.5), "radius_m": 100}, "latitude"),
    ({"plate": "7ABC123", "time_from": NOW, "time_to": NOW - timedelta(hours=1)},
     "ends before it starts"),
])
def test_bad_searches_are_refused_and_nothing_logged(db: Database, enrol, reads, kw: dict,
                                                     message: str) -> None:
    officer = enrol("6301", "officer")
    with pytest.raises(InputRejected, match=message):
        run(db, officer, **kw)
    with db.read() as session:
        assert session.query(SearchRecord).count() == 0


@pytest.mark.policy("D.1")
def test_injection_in_case_refused(db: Database, enrol, reads) -> None:
    with pytest.raises(Refused, match="case number"):
        run(db, enrol("6301", "officer"), plate="7ABC123", case_number="1' OR '1'='1")
