"""The map's data: reads in a window (newest first, capped), hits, devices, news; each view
audited, and only the live day for those who may not search reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.devices import DeviceKind
from rtic_console.domain.reads import PlateRead
from rtic_console.services import hotlists
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.hits import claim_hit
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.map_data import (
    LIVE_LOOKBACK,
    LiveCursor,
    detection_detail,
    map_delta,
    map_devices,
    map_snapshot,
    record_map_view,
)
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import Detection, Device

NOW = datetime.now(UTC)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _read(sid: str, plate: str, minutes_ago: float, *, device: str = "ALPR-FX-01",
          lat: float | None = 38.58, lon: float | None = -121.49,
          images: dict[str, bytes] | None = None) -> PlateRead:
    return PlateRead(source="csv", source_id=sid, plate=plate, plate_raw=plate, state="CA",
                     confidence=0.9, captured_at=NOW - timedelta(minutes=minutes_ago),
                     device_ref=device, latitude=lat, longitude=lon, images=images or {})


def _ingest(db: Database, engine: MatchingEngine, *reads: PlateRead) -> tuple[int, ...]:
    with db.write() as session:
        return ingest_reads(session, reads, engine, datetime.now(UTC), "test").detection_ids


@pytest.fixture
def devices(db: Database) -> dict[str, int]:
    with db.write() as session:
        rows = [
            Device(code="ALPR-FX-01", name="J St fixed", kind=DeviceKind.ALPR_FIXED.value,
                   category="agency", latitude=38.577, longitude=-121.485, is_streaming=True),
            Device(code="CAM-9", name="Cesar Chavez Plaza", kind=DeviceKind.CAMERA.value,
                   category="city", latitude=38.5802, longitude=-121.4939, in_service=False),
            Device(code="ALPR-MB-7", name="Patrol 7", kind=DeviceKind.ALPR_MOBILE.value,
                   category="agency"),
        ]
        session.add_all(rows)
        session.flush()
        return {d.code: d.id for d in rows}


@pytest.fixture
def engine(db: Database, enrol) -> MatchingEngine:
    officer = enrol("6301", "officer")
    perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
        plate="7KQM482", state="CA", reason="stolen_vehicle", case_number="26-011842",
        xref=None, ncic_system="SVS", ncic_record="V264118820"))
    eng = MatchingEngine()
    with db.read() as session:
        eng.load(session)
    return eng


@pytest.fixture
def dispatcher(enrol) -> Context:
    return enrol("5201", "dispatcher")


def test_snapshot_is_newest_first_and_says_when_capped(db: Database, devices, engine,
                                                       dispatcher: Context, enrol) -> None:
    _ingest(db, engine, _read("a", "1AAA111", 5), _read("b", "2BBB222", 15),
            _read("c", "3CCC333", 25, lat=None, lon=None),  # placed at its reader
            _read("d", "4DDD444", 35), _read("e", "5EEE555", 300),  # before the window
            _read("f", "6FFF666", 10, device="NOWHERE", lat=None, lon=None))  # no place
    full = query(db, dispatcher, map_snapshot, NOW - timedelta(hours=1))
    reads = full.detections
    assert reads.plates == ("1AAA111", "2BBB222", "3CCC333", "4DDD444")
    assert not full.capped and full.total_detections == 4
    assert (reads.latitudes[2], reads.longitudes[2]) == (38.577, -121.485)
    assert reads.device_ids[2] == devices["ALPR-FX-01"]
    capped = query(db, dispatcher, map_snapshot, NOW - timedelta(hours=1), None, 2)
    assert capped.detections.plates == ("1AAA111", "2BBB222")
    assert capped.capped and capped.total_detections == 4
    fixed = query(db, enrol("6303", "officer"), map_snapshot, NOW - timedelta(hours=6),
                  NOW - timedelta(hours=1))
    assert fixed.detections.plates == ("5EEE555",)


def test_hits_carry_approximate_matches(db: Database, devices, engine,
                                        dispatcher: Context) -> None:
    _ingest(db, engine, _read("x", "7KQM482", 3), _read("y", "7KQM4B2", 2),
            _read("z", "9ZZZ999", 1))
    snapshot = query(db, dispatcher, map_snapshot, NOW - timedelta(hours=1))
    by_plate = {h.read_plate: h for h in snapshot.hits}
    assert set(by_plate) == {"7KQM482", "7KQM4B2"}
    assert not by_plate["7KQM482"].approximate
    approximate = by_plate["7KQM4B2"]
    assert approximate.approximate and approximate.listed_plate == "7KQM482"
    assert approximate.status == "new" and approximate.latitude == 38.58


def test_delta_brings_only_what_is_new_and_changed_hits(db: Database, devices, engine,
                                                        dispatcher: Context) -> None:
    _ingest(db, engine, _read("old", "7KQM482", 4))
    snapshot = query(db, dispatcher, map_snapshot, NOW - timedelta(hours=1))
    empty = query(db, dispatcher, map_delta, snapshot.cursor, NOW - timedelta(hours=1))
    assert not len(empty.detections) and not empty.hits and not empty.more
    assert empty.cursor == snapshot.cursor
    (new_id,) = _ingest(db, engine, _read("new", "8NEW888", 0.5))
    _ingest(db, engine, _read("stale", "9OLD999", 600))  # replayed, older than the window
    old_hit = snapshot.hits[0].id
    perform(db, dispatcher, claim_hit, old_hit)
    delta = query(db, dispatcher, map_delta, snapshot.cursor, NOW - timedelta(hours=1),
                  (old_hit,))
    assert delta.detections.ids == (new_id,)
    assert [(h.id, h.status) for h in delta.hits] == [(old_hit, "claimed")]
    assert delta.new_hits == 0 and delta.cursor.detection_id == new_id
    again = query(db, dispatcher, map_delta, delta.cursor, NOW - timedelta(hours=1))
    assert not len(again.detections), "nothing is sent twice"


def _stored(db: Database, detection_id: int, plate: str) -> None:
    """A read stored under a chosen id: what a slower writer's commit looks like."""
    with db.write() as session:
        session.add(Detection(id=detection_id, source_format="csv", source_id=f"id{detection_id}",
                              plate=plate, plate_raw=plate, confidence=0.9, device_ref="R",
                              captured_at=NOW - timedelta(minutes=1), latitude=38.5,
                              longitude=-121.5))


def test_a_read_committed_after_a_higher_id_still_arrives(db: Database, devices, engine,
                                                          dispatcher: Context) -> None:
    _ingest(db, engine, _read("a", "1AAA111", 3), _read("b", "2BBB222", 2))
    snapshot = query(db, dispatcher, map_snapshot, NOW - timedelta(hours=1))
    _stored(db, 5000, "5LATER5")
    first = query(db, dispatcher, map_delta, snapshot.cursor, NOW - timedelta(hours=1))
    assert first.detections.ids == (5000,)
    _stored(db, 4000, "4EARLY4")  # its transaction began first, and committed last
    late = query(db, dispatcher, map_delta, first.cursor, NOW - timedelta(hours=1))
    assert late.detections.plates == ("4EARLY4",)
    assert not len(query(db, dispatcher, map_delta, late.cursor,
                         NOW - timedelta(hours=1)).detections)


@pytest.mark.policy("B.2")
@pytest.mark.policy("F.1")
def test_devices_show_kind_category_and_service_state(db: Database, devices,
                                                      dispatcher: Context) -> None:
    shown = {d.code: d for d in query(db, dispatcher, map_devices)}
    assert set(shown) == {"ALPR-FX-01", "CAM-9"}, "a device with no place is not drawn"
    assert shown["ALPR-FX-01"].kind is DeviceKind.ALPR_FIXED
    assert shown["ALPR-FX-01"].status == "live"
    assert shown["CAM-9"].category == "city" and shown["CAM-9"].status == "out of service"


def _views(db: Database, action: str = "map.view") -> list:  # type: ignore[type-arg]
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


@pytest.mark.policy("AUDIT")
def test_each_view_is_audited_with_its_window_and_count(
        db: Database, devices, engine, dispatcher: Context, enrol) -> None:
    _ingest(db, engine, _read("a", "1AAA111", 5), _read("b", "2BBB222", 15),
            _read("c", "3CCC333", 25), _read("d", "4DDD444", 60 * 5))
    start = NOW - timedelta(hours=1)
    view = perform(db, dispatcher, record_map_view, start)
    assert (view.start, view.end, view.reads, view.capped) == (start, None, 3, False)
    (event,) = _views(db)
    assert (event.actor_badge, event.workstation, event.object_type, event.object_id) == (
        "5201", "TEST-WS-01", "map", "live")
    assert event.details == {"start": start.isoformat(), "end": None, "live": True,
                             "reads": 3, "capped": False}
    # The live updates belong to that view: reading them adds no event.
    snapshot = query(db, dispatcher, map_snapshot, start)
    _ingest(db, engine, _read("e", "5EEE555", 0.5))
    assert len(query(db, dispatcher, map_delta, snapshot.cursor, start).detections) == 1
    assert len(_views(db)) == 1

    officer = enrol("6303", "officer")
    end = NOW - timedelta(minutes=10)
    capped = perform(db, officer, record_map_view, NOW - timedelta(hours=6), end, 2)
    assert (capped.reads, capped.capped) == (2, True)
    last = _views(db)[0]
    assert last.actor_badge == "6303" and last.object_id == "range"
    assert last.details["end"] == end.isoformat() and last.details["reads"] == 2
    assert last.details["capped"] is True


@pytest.mark.policy("A.2")
@pytest.mark.policy("D.1")
def test_dispatchers_see_the_live_day_only_officers_may_look_back(
        db: Database, devices, engine, dispatcher: Context, enrol) -> None:
    _ingest(db, engine, _read("old", "1OLD111", 60 * 30))
    # The "Day (24 h)" preset, taken now: NOW is the module's import time, which in a full
    # run can be more than the service's few minutes of slack ago.
    day = datetime.now(UTC) - LIVE_LOOKBACK
    perform(db, dispatcher, record_map_view, day)
    query(db, dispatcher, map_snapshot, day)
    for args in ((NOW - timedelta(hours=2), NOW),  # a custom range, however short
                 (NOW - timedelta(hours=30),)):  # further back than the live day
        with pytest.raises(Refused, match=r"live presets only .* search with a purpose"):
            perform(db, dispatcher, record_map_view, *args)
        with pytest.raises(Refused, match="live presets only"):
            query(db, dispatcher, map_snapshot, *args)
    with pytest.raises(Refused, match="live presets only"):
        query(db, dispatcher, map_delta, LiveCursor(), NOW - timedelta(days=3))
    assert len(_views(db)) == 1, "a refused view records nothing but its refusal"
    refusals = _views(db, "map.view.refused")
    assert len(refusals) == 5 and refusals[0].details == {"clause": "D.1"}

    officer = enrol("6303", "officer")
    view = perform(db, officer, record_map_view, NOW - timedelta(days=3),
                   NOW - timedelta(hours=1))
    assert view.reads == 1
    looked_back = query(db, officer, map_snapshot, NOW - timedelta(days=3),
                        NOW - timedelta(hours=1))
    assert looked_back.detections.plates == ("1OLD111",)


def test_opening_a_read_from_the_map_is_audited(db: Database, devices, engine,
                                                dispatcher: Context, enrol) -> None:
    (det_id,) = _ingest(db, engine, _read("img", "7KQM4B2", 1, images={"plate": JPEG}))
    detail = perform(db, dispatcher, detection_detail, det_id)
    assert detail.plate == "7KQM4B2" and detail.images == {"plate": JPEG}
    assert detail.device_code == "ALPR-FX-01" and detail.place == "38.58000, -121.49000"
    assert [h.listed_plate for h in detail.hits] == ["7KQM482"]
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="detection.view"))
    assert event.actor_badge == "5201" and event.object_id == str(det_id)
    assert event.details["from"] == "map"
    it_staff = enrol("7101", "it_staff")
    with pytest.raises(Refused):
        perform(db, it_staff, detection_detail, det_id)
    with pytest.raises(InputRejected, match="no read"):
        perform(db, dispatcher, detection_detail, det_id + 99)


@pytest.mark.parametrize(("args", "field"), [
    ((datetime(2026, 1, 1),), "start"),  # no time zone
    (("2026-01-01T00:00:00Z",), "start"),
    ((NOW, NOW - timedelta(hours=1)), "end must be after"),
    ((NOW - timedelta(days=40),), "at most 31 days"),
    ((NOW - timedelta(hours=1), None, 0), "point limit"),
    ((NOW - timedelta(hours=1), None, True), "point limit"),
    ((NOW - timedelta(hours=1), None, 10**9), "point limit"),
])
def test_snapshot_rejects_bad_windows_and_limits(db: Database, dispatcher: Context,
                                                 args: tuple, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputRejected, match=field):
        query(db, dispatcher, map_snapshot, *args)


@pytest.mark.parametrize(("args", "field"), [
    ((LiveCursor(-1), NOW), "last read id"),
    ((LiveCursor("1 OR 1=1"), NOW), "last read id"),  # type: ignore[arg-type]
    ((LiveCursor(0, 2.5), NOW), "last hit id"),  # type: ignore[arg-type]
    (({"detection_id": 0}, NOW), "live cursor"),
    ((LiveCursor(), NOW, ("1; DROP TABLE hits",)), "changed hit id"),
    ((LiveCursor(), NOW, tuple(range(1, 2000))), "at most 1000"),
])
def test_delta_rejects_bad_ids(db: Database, dispatcher: Context, args: tuple,  # type: ignore[type-arg]
                               field: str) -> None:
    with pytest.raises(InputRejected, match=field):
        query(db, dispatcher, map_delta, *args)
    with pytest.raises(InputRejected, match="read id"):
        perform(db, dispatcher, detection_detail, "1; DROP TABLE detections")
