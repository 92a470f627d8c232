"""Searches: purpose and case first (D.1), wildcard and OCR-equivalent plates, canvass of a
circle or a rectangle, narrowed by devices (D.1.b), reads placed at their fixed reader, the
shape-search gate (F.3), bad input, the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select

from rtic_console.domain.reads import PlateRead, VehicleInfo
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.services.search import SearchInput, SearchResult, search_reads
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import Detection, Device, SearchRecord
from tests.refusals import assert_refused

NOW = datetime.now(UTC)
PLACES = {"midtown": (38.5770, -121.4850), "south": (38.4957, -121.4693)}
DEVICES = {"midtown": ("ALPR-MT-01", "J St & 16th St"), "south": ("ALPR-SO-01", "=1+2")}
# plate, place, minutes ago, vehicle labels as a reader reports them
READS = (("7ABC123", "midtown", 0, ("Red", "Toyota", "Sedan")),
         ("7A8C123", "midtown", 10, ("red", "Honda", "sedan")),
         ("7ABC999", "south", 20, ("Silver", "Ford", "Pickup")),
         ("4XYZ001", "south", 30, (None, None, None)))
WINDOW = {"time_from": NOW - timedelta(hours=1), "time_to": NOW + timedelta(minutes=1)}


def seed_reads(db: Database) -> dict[str, int]:
    """Two registered readers (one with a formula for an address) and four reads."""
    with db.write() as session:
        devices = {}
        for place, (code, address) in DEVICES.items():
            device = Device(code=code, name=f"Reader {place}", kind="alpr_fixed",
                            category="agency", address=address, latitude=PLACES[place][0],
                            longitude=PLACES[place][1])
            session.add(device)
            session.flush()
            devices[code] = device.id
    rows = []
    for i, (plate, place, ago, (color, make, body)) in enumerate(READS):
        lat, lon = PLACES[place]
        rows.append(PlateRead(source="csv", source_id=f"s{i}", plate=plate, plate_raw=plate,
                              state="CA", confidence=0.9,
                              captured_at=NOW - timedelta(minutes=ago),
                              device_ref=DEVICES[place][0], latitude=lat, longitude=lon,
                              vehicle=VehicleInfo(color=color, make=make, body_type=body)))
    with db.write() as session:
        ingest_reads(session, rows, MatchingEngine(), NOW, "test")
    return devices


@pytest.fixture
def reads(db: Database) -> dict[str, int]:
    return seed_reads(db)


def run(db: Database, ctx: Context, **kw: object) -> SearchResult:
    base = {"purpose": "stolen_vehicle_or_plate", "case_number": "26-1"}
    return perform(db, ctx, search_reads, SearchInput(**{**base, **kw}))


def canvass(db: Database, ctx: Context, **kw: object) -> SearchResult:
    return run(db, ctx, **{"purpose": "crime_scene_canvass", **WINDOW, **kw})


def shape(db: Database, ctx: Context, **kw: object) -> SearchResult:
    return run(db, ctx, **{"incident_number": "26-004417",
                           "description": "Red sedan seen leaving the scene northbound",
                           **WINDOW, **kw})


def searches(db: Database) -> int:
    with db.read() as session:
        return session.query(SearchRecord).count()


@pytest.mark.policy("D.1")
@pytest.mark.parametrize("missing", ["purpose", "case_number"])
def test_refused_without_purpose_or_case(db: Database, enrol, reads, missing: str) -> None:
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: run(db, officer, plate="7ABC123", **{missing: None}),
                   action="search.run", clause="D.1", match=r"D\.1", error=Refused)


def test_search_is_logged_and_audited(db: Database, enrol, reads) -> None:
    officer = enrol("6301", "officer")
    result = run(db, officer, plate="7abc-123")
    assert [r.plate for r in result.reads] == ["7ABC123"]
    assert result.reads[0].place == "J St & 16th St" and result.reads[0].device == "ALPR-MT-01"
    with db.read() as session:
        log = session.get(SearchRecord, result.search_id)
        assert log.actor_badge == "6301" and log.case_number == "26-1" and log.kind == "plate"
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
    near = canvass(db, officer, near=PLACES["south"], radius_m=500)
    assert {r.plate for r in near.reads} == {"7ABC999", "4XYZ001"}
    recent = run(db, officer, plate="7AB*", time_from=NOW - timedelta(minutes=5))
    assert {r.plate for r in recent.reads} == {"7ABC123"}


@pytest.mark.policy("D.1")
def test_canvass_is_bounded_and_logged_as_such(db: Database, enrol, reads) -> None:
    officer = enrol("6301", "officer")
    result = canvass(db, officer, near=PLACES["midtown"], radius_m=300)
    assert {r.plate for r in result.reads} == {"7ABC123", "7A8C123"}
    with db.read() as session:
        log = session.get(SearchRecord, result.search_id)
        assert log.kind == "canvass" and log.radius_m == 300
        assert (log.center_lat, log.center_lon) == PLACES["midtown"]
        assert log.time_from == WINDOW["time_from"] and log.result_count == 2
    assert_refused(db, lambda: run(db, officer, near=PLACES["midtown"], radius_m=300,
                                   **WINDOW),
                   action="search.run", clause="D.1", match=r"canvass \(D\.1\.b\)",
                   error=Refused)
    for window, message in (({"time_from": None}, "needs a start and an end"),
                            ({"time_from": NOW - timedelta(hours=25)}, "24 hours")):
        assert_refused(db, lambda window=window: canvass(
            db, officer, near=PLACES["midtown"], radius_m=300, **window),
            action="search.run", clause="D.1", match=message, error=InputRejected)
    assert_refused(db, lambda: canvass(db, officer, near=PLACES["midtown"], radius_m=6000),
                   action="search.run", clause="D.1", match=r"radius .* 5000 m",
                   error=InputRejected)
    assert searches(db) == 1


def test_rectangle_area(db: Database, enrol, reads) -> None:
    officer = enrol("6301", "officer")
    south = (38.49, -121.48, 38.50, -121.46)
    result = canvass(db, officer, rectangle=south)
    assert {r.plate for r in result.reads} == {"7ABC999", "4XYZ001"}
    assert {r.plate for r in run(db, officer, plate="7AB*", rectangle=south).reads} == {
        "7ABC999"}
    with db.read() as session:
        log = session.get(SearchRecord, result.search_id)
        assert '"rectangle": [38.49, -121.48, 38.5, -121.46]' in log.parameters
        assert log.center_lat is None and log.kind == "canvass"


@pytest.mark.parametrize("rectangle,message,clause", [
    ((38.50, -121.48, 38.49, -121.46), "south must be below its north", None),
    ((38.49, -121.46, 38.50, -121.48), "west left of its east", None),
    ((38.0, -122.0, 39.0, -121.0), "more than 10 km across", "D.1"),
    ((38.49, -121.48, 95.0, -121.46), "in range", None),
    ((38.49, -121.48, 38.50), "south, west, north, east", None),
    ((38.49, "-121.48; DROP TABLE detections", 38.50, -121.46), "area: not a number", None),
    ((38.49, float("nan"), 38.50, -121.46), "area: not a number", None),
])
def test_bad_rectangles_name_the_area(db: Database, enrol, reads, rectangle: tuple,
                                      message: str, clause: str | None) -> None:
    officer = enrol("6301", "officer")
    event = assert_refused(db, lambda: canvass(db, officer, rectangle=rectangle),
                           action="search.run", clause=clause, match=message,
                           error=InputRejected)
    assert event.details.get("clause") == clause


def test_device_filter_by_code_or_id(db: Database, enrol, reads: dict[str, int]) -> None:
    officer = enrol("6301", "officer")
    both = (38.494, -121.49, 38.579, -121.46)  # holds the midtown and the south reader
    by_code = canvass(db, officer, rectangle=both, devices=("ALPR-SO-01",))
    assert {r.plate for r in by_code.reads} == {"7ABC999", "4XYZ001"}
    by_id = run(db, officer, plate="7ABC*", devices=(str(reads["ALPR-MT-01"]),))
    assert {r.plate for r in by_id.reads} == {"7ABC123"}
    with db.read() as session:
        assert '"devices": ["ALPR-MT-01"]' in session.get(SearchRecord,
                                                          by_id.search_id).parameters
    assert_refused(db, lambda: canvass(db, officer, rectangle=both,
                                       devices=("ALPR-SO-01", "ALPR-XX-09")),
                   action="search.run", match="devices: no registered device 'ALPR-XX-09'",
                   error=InputRejected)


@pytest.mark.policy("D.1")
def test_canvass_by_devices_alone_is_refused(db: Database, enrol, reads) -> None:
    """D.1.b: a canvass reads what passed within a distance of a place; a device list alone
    would read everything its readers ever saw, wherever they are."""
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: canvass(db, officer, devices=("ALPR-SO-01",)),
                   action="search.run", clause="D.1",
                   match=r"^area: .*canvass \(D\.1\.b\) and needs a place", error=InputRejected)


@pytest.mark.policy("D.1")
def test_canvass_finds_reads_placed_at_their_fixed_reader(db: Database, enrol, reads) -> None:
    """A fixed reader that sends no GPS: the read is where its device is, as on the map."""
    lat, lon = PLACES["midtown"]
    read = PlateRead(source="csv", source_id="nogps", plate="8NOG123", plate_raw="8NOG123",
                     state="CA", confidence=0.9, captured_at=NOW - timedelta(minutes=5),
                     device_ref=DEVICES["midtown"][0], latitude=None, longitude=None)
    with db.write() as session:
        ingest_reads(session, [read], MatchingEngine(), NOW, "test")
    officer = enrol("6301", "officer")
    for area in ({"near": PLACES["midtown"], "radius_m": 50},
                 {"rectangle": (lat - 0.001, lon - 0.001, lat + 0.001, lon + 0.001)}):
        found = {r.plate: r for r in canvass(db, officer, **area).reads}
        assert set(found) == {"7ABC123", "7A8C123", "8NOG123"}, area
        assert (found["8NOG123"].latitude, found["8NOG123"].longitude) == (lat, lon)
    elsewhere = canvass(db, officer, near=PLACES["south"], radius_m=500)
    assert "8NOG123" not in {r.plate for r in elsewhere.reads}


@pytest.mark.policy("F.3")
def test_shape_search_needs_incident_and_description(db: Database, enrol, reads) -> None:
    officer = enrol("6301", "officer")
    for missing, message in (({"incident_number": None}, "incident number"),
                             ({"incident_number": "  "}, "incident number"),
                             ({"description": None}, "description is known"),
                             ({"description": "red car"}, "at least 10 characters")):
        event = assert_refused(db, lambda missing=missing: shape(db, officer, color="red",
                                                                 **missing),
                               action="search.run", clause="F.3", match=r"F\.3", error=Refused)
        assert message in event.reason

    result = shape(db, officer, color="RED", body="Sedan")
    assert {r.plate for r in result.reads} == {"7ABC123", "7A8C123"}
    assert result.kind == "shape" and result.reads[0].vehicle == "red toyota sedan"
    assert {r.plate for r in shape(db, officer, color="red", make="honda").reads} == {"7A8C123"}
    with db.read() as session:
        log = session.get(SearchRecord, result.search_id)
        assert log.kind == "shape" and log.incident_number == "26-004417"
        assert log.subject_description == "Red sedan seen leaving the scene northbound"
        event = list_events(session, AuditFilter(action="search.run", object_id=str(log.id)))[0]
        assert event.details["incident"] == "26-004417" and event.details["color"] == "red"


@pytest.mark.policy("F.3")
def test_shape_search_window_is_bounded(db: Database, enrol, reads) -> None:
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: shape(db, officer, color="red", time_to=None),
                   action="search.run", clause="D.1",
                   match="shape search needs a start and an end", error=InputRejected)
    assert_refused(db, lambda: shape(db, officer, color="red", time_from=NOW - timedelta(days=4)),
                   action="search.run", clause="D.1", match="72 hours", error=InputRejected)
    assert_refused(db, lambda: run(db, officer, plate="7ABC123", incident_number="26-1",
                                   description="x" * 20),
                   action="search.run", match="only a vehicle-description search",
                   error=InputRejected)


INJECTION = "x' OR '1'='1'; DROP TABLE detections;--"


@pytest.mark.parametrize("kw,message", [
    ({"plate": "*"}, "wildcards alone"),
    ({"plate": "**?"}, "wildcards alone"),
    ({"plate": "7ABC'; DROP TABLE detections;--"}, "plate pattern"),
    ({"plate": "7ABC123", "match_mode": INJECTION}, "match mode"),
    ({"near": (38.5, -121.5), "radius_m": 10_000_000}, "radius .* at most 5000 m"),
    ({"plate": "7ABC123", "near": (38.5, -121.5), "radius_m": 20_001}, "at most 20000 m"),
    ({"plate": "7ABC123", "time_from": NOW - timedelta(days=800), "time_to": NOW},
     "longer than the 2 years"),
    ({"near": (38.5, -121.5), "radius_m": -5}, "radius"),
    ({"near": (38.5, -121.5), "radius_m": True}, "radius"),
    ({"near": (38.5, -121.5)}, "needs a radius"),
    ({"near": (95.0, -121.5), "radius_m": 100}, "latitude"),
    ({"near": (INJECTION, -121.5), "radius_m": 100}, "latitude: not a number"),
    ({"near": INJECTION, "radius_m": 100}, "area: the place"),
    ({"near": (38.5, -121.5), "radius_m": 100, "rectangle": (38.4, -121.6, 38.6, -121.4)},
     "not both"),
    ({"plate": "7ABC123", "time_from": NOW, "time_to": NOW - timedelta(hours=1)},
     "ends before it starts"),
    ({"plate": "7ABC123", "time_from": datetime(2026, 1, 1)}, "time zone"),
    ({"plate": "7ABC123", "time_from": INJECTION}, "time zone"),
    ({"plate": "7ABC123", "devices": (INJECTION,)}, "devices"),
    ({"plate": "7ABC123", "devices": INJECTION}, "devices"),
    ({"plate": "7ABC123", "color": INJECTION, "incident_number": "26-1",
      "description": "a red sedan, two men"}, "color"),
    ({"plate": "7ABC123", "make": INJECTION, "incident_number": "26-1",
      "description": "a red sedan, two men"}, "make"),
    ({"plate": "7ABC123", "body": INJECTION, "incident_number": "26-1",
      "description": "a red sedan, two men"}, "body type"),
    ({"color": "red", "incident_number": INJECTION, "description": "a red sedan, two men",
      "time_from": NOW - timedelta(hours=1), "time_to": NOW}, "incident number"),
    ({"color": "red", "incident_number": "26-1", "description": "a red sedan\x00 two men",
      "time_from": NOW - timedelta(hours=1), "time_to": NOW}, "description"),
    ({"plate": "7ABC123", "request_id": 3}, "only an other-use search"),
    ({}, "area: a search without a plate or vehicle description is a canvass"),
])
def test_bad_searches_are_refused_and_nothing_logged(db: Database, enrol, reads, kw: dict,
                                                     message: str) -> None:
    """Each refused and audited; the bounds of D.1 name it, a plain format error names none."""
    officer = enrol("6301", "officer")
    event = assert_refused(db, lambda: run(db, officer, **kw), action="search.run",
                           match=message, error=InputRejected)
    bounds = ("wildcards alone", "longer than the 2 years", "at most 20000 m", "at most 5000 m",
              "is a canvass")
    assert event.details.get("clause") == ("D.1" if any(b in message for b in bounds)
                                           else None)


@pytest.mark.policy("D.1")
@pytest.mark.parametrize("kw,message", [
    ({"case_number": "1' OR '1'='1"}, "case number"),
    ({"case_number": "26-1\x00"}, "case number"),
    ({"purpose": INJECTION}, "approved purpose"),
    ({"purpose": 7}, "approved purpose"),
])
def test_injection_in_purpose_or_case_refused(db: Database, enrol, reads, kw: dict,
                                              message: str) -> None:
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: run(db, officer, plate="7ABC123", **kw), action="search.run",
                   clause="D.1", match=message, error=Refused)


@pytest.mark.policy("F.3")
def test_description_is_kept_verbatim_as_a_bound_value(db: Database, enrol, reads) -> None:
    text = "Robert'); DROP TABLE detections;-- in a red sedan"
    result = shape(db, enrol("6301", "officer"), color="red", description=text)
    assert len(result.reads) == 2
    with db.read() as session:
        assert session.get(SearchRecord, result.search_id).subject_description == text
        assert inspect(session.get_bind()).has_table("detections")


def test_a_plate_read_more_often_than_the_answer_holds_gives_its_newest(
        db: Database, enrol) -> None:
    """A fleet vehicle's 5,400 reads, three at each minute: the newest 5,000 in order, cut
    inside a minute's three; with a time span, the newest 5,000 within it, exact and
    OCR-equivalent alike (the OCR search's floor, which spares PostgreSQL the older weeks,
    is taken within the same span)."""
    rows = [PlateRead(source="csv", source_id=f"f{i}", plate="8FLT001", plate_raw="8FLT001",
                      state="CA", confidence=0.9, captured_at=NOW - timedelta(minutes=i // 3),
                      device_ref="ALPR-FLEET") for i in range(5400)]
    with db.write() as session:
        ingest_reads(session, rows, MatchingEngine(), NOW, "test")
    officer = enrol("6302", "officer")

    def newest(before: datetime | None = None) -> list[int]:
        result = run(db, officer, plate="8FLT001", time_to=before)
        assert result.truncated
        return [r.detection_id for r in result.reads]

    every = run(db, officer, plate="8FLT001", time_from=NOW - timedelta(days=2),
                time_to=NOW + timedelta(minutes=1), match_mode="wildcard")  # no floor
    assert len(every.reads) == 5000 and every.truncated
    ordered = sorted(every.reads, key=lambda r: (r.captured_at, r.detection_id), reverse=True)
    assert newest() == [r.detection_id for r in ordered]  # reads 4,999 and 5,000: a minute
    cut = NOW - timedelta(minutes=50)
    within = newest(cut)
    assert len(within) == 5000
    with db.read() as session:
        times = dict(session.execute(select(Detection.id, Detection.captured_at)
                                     .where(Detection.id.in_(within))).all())
    assert all(times[i].replace(tzinfo=UTC) < cut for i in within)
    ocr = run(db, officer, plate="8FLT0O1", match_mode="ocr", time_to=cut)
    assert [r.detection_id for r in ocr.reads] == within
