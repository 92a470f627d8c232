"""The map's data: reads in a window (newest first, capped), hits, devices, news; each view
audited, and only the live day for those who may not search reads."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.devices import DeviceKind
from rtic_console.domain.map_grid import cluster_reads
from rtic_console.domain.reads import PlateRead
from rtic_console.services import hotlists
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.hits import claim_hit
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.map_data import (
    LIVE_LOOKBACK,
    LiveCursor,
    MapLookBack,
    detection_detail,
    map_clusters,
    map_delta,
    map_devices,
    map_look_back,
    map_snapshot,
    record_map_view,
)
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import Detection, Device, SearchRecord
from tests.refusals import assert_refused

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
                   category="agency", latitude=38.577, longitude=-121.485, is_streaming=True,
                   last_seen_at=datetime.now(UTC)),  # live: streaming when last heard
            Device(code="CAM-9", name="Cesar Chavez Plaza", kind=DeviceKind.CAMERA.value,
                   category="city", latitude=38.5802, longitude=-121.4939,
                   service_state="out_of_service"),
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
def test_dispatchers_see_the_live_day_only(
        db: Database, devices, engine, dispatcher: Context, enrol) -> None:
    _ingest(db, engine, _read("old", "1OLD111", 60 * 30), _read("new", "2NEW222", 60))
    day = datetime.now(UTC) - LIVE_LOOKBACK  # not NOW: the suite may have run for minutes
    perform(db, dispatcher, record_map_view, day)  # the "Day (24 h)" preset
    query(db, dispatcher, map_snapshot, day)
    for args in ((NOW - timedelta(hours=2), NOW),  # a custom range, however short
                 (NOW - timedelta(hours=30),)):  # further back than the live day
        assert_refused(db, lambda args=args: perform(db, dispatcher, record_map_view, *args),
                       action="map.view", clause="D.1",
                       match=r"live presets only .* search with a purpose")
        assert_refused(db, lambda args=args: query(db, dispatcher, map_snapshot, *args),
                       action="map.view", clause="D.1", match="live presets only")
    assert_refused(db, lambda: query(db, dispatcher, map_delta, LiveCursor(),
                                     NOW - timedelta(days=3)),
                   action="map.view", clause="D.1", match="live presets only")
    assert_refused(db, lambda: perform(db, dispatcher, map_look_back, _look_back()),
                   action="search.run", match="Only ALPR administrator")
    # Those who search may choose a range within the live day as a plain view.
    officer = enrol("6303", "officer")
    view = perform(db, officer, record_map_view, NOW - timedelta(hours=2), NOW)
    assert view.reads == 1


@pytest.mark.policy("D.1")
def test_a_window_older_than_the_live_day_is_no_plain_view(
        db: Database, devices, engine, enrol) -> None:
    _ingest(db, engine, _read("old", "1OLD111", 60 * 30))
    officer = enrol("6303", "officer")
    old = (NOW - timedelta(days=3), NOW - timedelta(hours=1))
    assert_refused(db, lambda: perform(db, officer, record_map_view, *old), action="map.view",
                   clause="D.1", match="is a search of past reads")
    assert_refused(db, lambda: query(db, officer, map_snapshot, *old), action="map.view",
                   clause="D.1", match="is a search of past reads")
    assert_refused(db, lambda: query(db, officer, map_delta, LiveCursor(), old[0]),
                   action="map.view", clause="D.1", match="is a search of past reads")


# Reads 30 hours back: two in a 1 km circle, one just outside it though inside its bounding
# box's corner, one a day earlier.
PLACE = (38.58, -121.49)
CORNER = (38.5880, -121.4800)  # about 1.3 km away, inside the box of a 1 km circle


def _look_back(**changes: object) -> MapLookBack:
    base = MapLookBack(start=NOW - timedelta(hours=36), end=NOW - timedelta(hours=24),
                       purpose="crime_scene_canvass", case_number="26-011842", near=PLACE,
                       radius_m=1000.0)
    return replace(base, **changes)


@pytest.fixture
def past_reads(db: Database, devices, engine) -> tuple[int, ...]:
    return _ingest(db, engine, _read("p1", "7KQM482", 60 * 30, lat=38.5801, lon=-121.4901),
                   _read("p2", "1PST111", 60 * 31, lat=38.5830, lon=-121.4930),
                   _read("p3", "2CRN222", 60 * 30, lat=CORNER[0], lon=CORNER[1]),
                   _read("p4", "3EAR333", 60 * 60, lat=38.5801, lon=-121.4901))


@pytest.mark.policy("D.1")
def test_a_look_back_is_a_logged_canvass(db: Database, past_reads, enrol) -> None:
    officer = enrol("6303", "officer")
    found = perform(db, officer, map_look_back, _look_back())
    assert found.snapshot.detections.plates == ("7KQM482", "1PST111")
    assert found.snapshot.total_detections == 2 and not found.snapshot.capped
    assert [h.read_plate for h in found.snapshot.hits] == ["7KQM482"]
    assert found.case_number == "26-011842"
    with db.read() as session:
        record = session.get(SearchRecord, found.search_id)
        assert record is not None
        assert (record.actor_badge, record.kind, record.purpose, record.case_number,
                record.result_count) == ("6303", "canvass", "crime_scene_canvass",
                                         "26-011842", 2)
        assert (record.center_lat, record.center_lon, record.radius_m) == (*PLACE, 1000.0)
        assert json.loads(record.parameters)["via"] == "map"
        (event,) = list_events(session, AuditFilter(action="search.run"))
    assert event.object_id == str(found.search_id) and event.details["via"] == "map"
    assert event.details["results"] == 2 and event.details["truncated"] is False
    assert event.reason == "crime_scene_canvass · case 26-011842"
    capped = perform(db, officer, map_look_back, _look_back(), 1)
    assert capped.snapshot.detections.plates == ("7KQM482",) and capped.snapshot.capped
    rectangle = perform(db, officer, map_look_back, _look_back(
        near=None, radius_m=None, rectangle=(38.575, -121.495, 38.590, -121.479)))
    assert set(rectangle.snapshot.detections.plates) == {"7KQM482", "1PST111", "2CRN222"}


@pytest.mark.policy("D.1")
@pytest.mark.parametrize(("changes", "match"), [
    ({"purpose": None}, "one approved purpose"),
    ({"case_number": "  "}, "names the case number"),
    ({"near": None, "radius_m": None}, "draw the area to look back over"),
    ({"purpose": "stolen_vehicle_or_plate"}, "crime-scene canvass"),
    ({"start": NOW - timedelta(hours=60)}, "at most 24 hours apart"),
    ({"end": None}, "needs a start and an end"),
    ({"radius_m": 6000.0}, "at most 5000 m"),
    ({"purpose": "other_use"}, "names the approved request"),
])
def test_a_look_back_without_what_a_canvass_needs_is_refused(
        db: Database, past_reads, enrol, changes: dict[str, object], match: str) -> None:
    officer = enrol("6303", "officer")
    event = assert_refused(db, lambda: perform(db, officer, map_look_back,
                                               _look_back(**changes)),
                           action="search.run", clause="D.1", match=match)
    assert event.object_type == "search"


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
    assert_refused(db, lambda: perform(db, it_staff, detection_detail, det_id),
                   action="detection.view", clause="A.2", error=Refused)
    assert_refused(db, lambda: perform(db, dispatcher, detection_detail, det_id + 99),
                   action="detection.view", match="no read", error=InputRejected)


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
    assert_refused(db, lambda: query(db, dispatcher, map_snapshot, *args), action="map.view",
                   match=field, error=InputRejected)


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
    assert_refused(db, lambda: query(db, dispatcher, map_delta, *args), action="map.view",
                   match=field, error=InputRejected)
    assert_refused(db, lambda: perform(db, dispatcher, detection_detail,
                                       "1; DROP TABLE detections"),
                   action="detection.view", match="read id", error=InputRejected)


def test_clusters_count_a_window_per_grid_cell_as_the_domain_defines_it(
        db: Database, devices, engine, dispatcher: Context) -> None:
    """The database's GROUP BY (per engine) agrees with domain/map_grid's reference."""
    spots = [(38.5801, -121.4901), (38.5803, -121.4903), (38.6, -121.3), (-33.9, 151.2),
             (38.5802, -121.4902)]
    ids = _ingest(db, engine, *(_read(f"g{i}", f"{i}GRD00{i}", i + 1, lat=lat, lon=lon)
                                for i, (lat, lon) in enumerate(spots)),
                  _read("old", "9OLD999", 300), _read("far", "8FAR888", 5, lat=None, lon=None,
                                                      device="NOWHERE"))
    for zoom in (3, 10, 16):
        found = query(db, dispatcher, map_clusters, NOW - timedelta(hours=1), None, zoom)
        expected = cluster_reads(ids[:5], [s[0] for s in spots], [s[1] for s in spots], zoom)
        assert [(c.row, c.column, c.count, c.last_id) for c in found.cells] == \
            [(c.row, c.column, c.count, c.last_id) for c in expected]
        assert found.total_detections == 5
        assert set(found.singles.ids) == {c.last_id for c in expected if c.count == 1}
    sydney = query(db, dispatcher, map_clusters, NOW - timedelta(hours=1), None, 10,
                   (-34.0, 151.0, -33.0, 152.0))
    assert [c.count for c in sydney.cells] == [1] and sydney.singles.plates == ("3GRD003",)
    # The newest reads are in the counts: the first delta brings only what came after.
    (later,) = _ingest(db, engine, _read("later", "7LAT777", 0.5))
    delta = query(db, dispatcher, map_delta, sydney.cursor, NOW - timedelta(hours=1))
    assert delta.detections.ids == (later,)


@pytest.mark.policy("D.1")
def test_clusters_keep_the_map_rules(db: Database, devices, engine,
                                     dispatcher: Context) -> None:
    assert_refused(db, lambda: query(db, dispatcher, map_clusters, NOW - timedelta(days=3),
                                     None, 10), action="map.view", clause="D.1",
                   match="live presets only")
    for args, field in (((None, 25), "zoom"), ((None, 10, (1, 2, 3)), "bounds"),
                        ((None, 10, (10.0, 0.0, 5.0, 1.0)), "bounds")):
        assert_refused(db, lambda args=args: query(db, dispatcher, map_clusters,
                                                   NOW - timedelta(hours=1), *args),
                       action="map.view", match=field, error=InputRejected)
