"""Dashboard counts: exact local-hour and local-day buckets, hits, dispositions, readers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count, pairwise
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from rtic_console.domain.checklist import HitStatus, Step, StepInput
from rtic_console.domain.devices import DeviceKind
from rtic_console.domain.reads import Heartbeat, PlateRead, StreamStatus
from rtic_console.services import hits as hit_service
from rtic_console.services import hotlists
from rtic_console.services.activity_stats import activity_stats
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.ingest import ingest_reads, record_heartbeats
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform, query
from rtic_console.store.database import Database
from rtic_console.store.models import AuditEvent, Device, Hit, HotList
from tests.refusals import assert_refused
from tests.services.test_hit_pipeline import _work_to_confirmation

LA = ZoneInfo("America/Los_Angeles")
KOLKATA = ZoneInfo("Asia/Kolkata")
_serial = count()


def at(zone: ZoneInfo, *parts: int, fold: int = 0) -> datetime:
    """A local wall-clock time as the UTC instant a reader would report."""
    return datetime(*parts, tzinfo=zone, fold=fold).astimezone(UTC)


def store_reads(db: Database, *reads: tuple[datetime, str]) -> list[int]:
    """(captured_at, device code) pairs through the real ingest path; detection ids back."""
    rows = [PlateRead(source="csv", source_id=f"r{next(_serial)}", plate="7ABC123",
                      plate_raw="7ABC123", state="CA", confidence=0.9, captured_at=when,
                      device_ref=device) for when, device in reads]
    with db.write() as session:
        return list(ingest_reads(session, rows, MatchingEngine(), max(w for w, _ in reads),
                                 "test").detection_ids)


def add_devices(db: Database, *specs: tuple[str, DeviceKind, bool]) -> None:
    with db.write() as session:
        session.add_all(Device(code=code, name=f"Device {code}", kind=kind.value,
                               category="agency",
                               service_state="in_service" if in_service else "out_of_service")
                        for code, kind, in_service in specs)


def add_hits(db: Database, list_name: str,
             hits: list[tuple[int, datetime, HitStatus, datetime | None]]) -> None:
    """Hits at chosen past instants (the services stamp the real clock, so models here)."""
    with db.write() as session:
        hot_list = session.scalar(select(HotList).where(HotList.name == list_name))
        if hot_list is None:
            hot_list = HotList(name=list_name, kind="spd_hot_plate")
            session.add(hot_list)
            session.flush()
        session.add_all(Hit(detection_id=det, captured_at=created, list_id=hot_list.id,
                            read_plate="7ABC123", listed_plate="7ABC123", priority=2,
                            reason="stolen_vehicle", status=status.value, created_at=created,
                            closed_at=closed)
                        for det, created, status, closed in hits)


def stats(db: Database, ctx: Context, window: str, until: datetime, zone: str):  # type: ignore[no-untyped-def]
    return query(db, ctx, activity_stats, window, until=until, zone=zone)


def local_hours(edges: tuple[datetime, ...], zone: ZoneInfo) -> list[str]:
    return [e.astimezone(zone).strftime("%m-%d %H:%M") for e in edges]


def test_reads_per_local_hour_with_empty_hours_and_edges(db: Database, admin: Context) -> None:
    until = at(LA, 2024, 6, 12, 14, 37)
    store_reads(db, (at(LA, 2024, 6, 11, 14, 59, 59), "R1"),  # an hour before the window
                (at(LA, 2024, 6, 11, 15, 0), "R1"),  # the window's first instant
                (at(LA, 2024, 6, 12, 13, 59, 59) + timedelta(microseconds=999_999), "R1"),
                (at(LA, 2024, 6, 12, 14, 0), "R1"), (at(LA, 2024, 6, 12, 14, 0), "R2"),
                (at(LA, 2024, 6, 12, 14, 36), "R1"),
                (at(LA, 2024, 6, 12, 15, 0), "R1"))  # the next hour has not begun
    result = stats(db, admin, "24h", until, "America/Los_Angeles")
    edges = local_hours(result.hours.edges, LA)
    assert (edges[0], edges[-2], edges[-1]) == ("06-11 15:00", "06-12 14:00", "06-12 15:00")
    assert result.reads_per_hour == (1, *[0] * 21, 1, 3)
    assert result.hit_buckets == result.hours, "the 24-hour window counts hits per hour"
    assert result.hits_by_list == ()
    assert [s.total for s in result.dispositions] == [0, 0, 0, 0]


def test_local_days_across_the_autumn_clock_change(db: Database, admin: Context) -> None:
    until = at(LA, 2024, 11, 5, 10, 20)
    dets = store_reads(
        db, (at(LA, 2024, 11, 2, 23, 59, 59), "R1"),
        (at(LA, 2024, 11, 3, 0, 30), "R1"),
        (at(LA, 2024, 11, 3, 1, 30), "R1"), (at(LA, 2024, 11, 3, 1, 30, fold=1), "R1"),
        (at(LA, 2024, 11, 3, 23, 30), "R1"),
        (at(LA, 2024, 11, 4, 0, 0), "R1"))
    times = [at(LA, 2024, 11, 2, 23, 59, 59), at(LA, 2024, 11, 3, 0, 30),
             at(LA, 2024, 11, 3, 1, 30), at(LA, 2024, 11, 3, 1, 30, fold=1),
             at(LA, 2024, 11, 3, 23, 30), at(LA, 2024, 11, 4, 0, 0)]
    ten = timedelta(minutes=10)
    add_hits(db, "SPD hot plates", [
        (dets[0], times[0], HitStatus.CONFIRMED, times[0] + ten),  # closed on Nov 3
        (dets[1], times[1], HitStatus.MISREAD, times[1] + ten),
        (dets[2], times[2], HitStatus.NEW, None),
        (dets[3], times[3], HitStatus.DUPLICATE, times[3] + ten),
        (dets[4], times[4], HitStatus.NO_LONGER_WANTED, times[4] + 4 * ten),  # Nov 4
        (dets[5], times[5], HitStatus.CLAIMED, None)])
    result = stats(db, admin, "7d", until, "America/Los_Angeles")
    days = result.hit_buckets
    assert [e.astimezone(LA).strftime("%m-%d %H:%M") for e in days.edges] == [
        f"{d} 00:00" for d in ("10-30", "10-31", "11-01", "11-02", "11-03", "11-04", "11-05",
                               "11-06")]
    lengths = [(b - a) / timedelta(hours=1) for a, b in pairwise(days.edges)]
    assert lengths == [24, 24, 24, 24, 25, 24, 24], "Nov 3 has 25 hours in Sacramento"
    assert len(result.hours) == 6 * 24 + 1 + 11, "to 11:00 on Nov 5, with the extra hour"
    assert result.reads_per_hour[4 * 24 - 1] == 1  # 23:00-24:00 on Nov 2
    assert result.reads_per_hour[4 * 24:4 * 24 + 3] == (1, 1, 1), "both 01:00 hours kept"
    (by_list,) = result.hits_by_list
    assert by_list.title == "SPD hot plates" and by_list.counts == (0, 0, 0, 1, 4, 1, 0)
    outcomes = {s.key: s.counts for s in result.dispositions}
    assert outcomes == {"confirmed": (0, 0, 0, 0, 1, 0, 0), "misread": (0, 0, 0, 0, 1, 0, 0),
                        "no_longer_wanted": (0, 0, 0, 0, 0, 1, 0),
                        "duplicate": (0, 0, 0, 0, 1, 0, 0)}
    assert result.open_hits == 2


def test_half_hour_zone_buckets_on_its_own_hours_and_days(db: Database,
                                                          admin: Context) -> None:
    """UTC-hour truncation would put 00:15 IST into the previous local day."""
    dets = store_reads(db, (at(KOLKATA, 2024, 6, 11, 23, 45), "R1"),
                       (at(KOLKATA, 2024, 6, 12, 0, 15), "R1"))
    add_hits(db, "SPD hot plates", [(dets[0], at(KOLKATA, 2024, 6, 11, 23, 45),
                                     HitStatus.NEW, None),
                                    (dets[1], at(KOLKATA, 2024, 6, 12, 0, 15),
                                     HitStatus.NEW, None)])
    result = stats(db, admin, "7d", at(KOLKATA, 2024, 6, 12, 9, 10), "Asia/Kolkata")
    assert {e.astimezone(KOLKATA).minute for e in result.hours.edges} == {0}
    assert result.hits_by_list[0].counts == (0, 0, 0, 0, 0, 1, 1)
    midnight = 6 * 24
    assert result.reads_per_hour[midnight - 1:midnight + 1] == (1, 1)
    assert sum(result.reads_per_hour) == 2 and len(result.reads_per_hour) == midnight + 10


def test_hits_and_dispositions_from_the_real_hit_flow(db: Database, admin: Context,
                                                      enrol) -> None:
    officer, supervisor = enrol("6301", "officer"), enrol("8501", "supervisor")
    for plate in ("7ABC123", "8DEF456", "9GHJ789", "4KLM012"):
        perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
            plate=plate, state="CA", reason="stolen_vehicle", case_number="26-1", xref=None,
            ncic_system="SVS", ncic_record=f"V{plate}"))
    special = perform(db, officer, hotlists.propose_special, HotPlateInput(
        plate="5SPC555", state="CA", reason="other", case_number="26-2", xref=None,
        ncic_system=None, ncic_record=None))
    perform(db, supervisor, hotlists.decide_special, special.id, True, "approved")
    engine = MatchingEngine()
    with db.read() as session:
        engine.load(session)
    now = datetime.now(UTC)
    reads = [PlateRead(source="csv", source_id=f"live-{p}", plate=p, plate_raw=p, state="CA",
                       confidence=0.9, captured_at=now - timedelta(seconds=5),
                       device_ref="ALPR-FX-01")
             for p in ("7ABC123", "8DEF456", "9GHJ789", "4KLM012", "5SPC555", "1NOT000")]
    with db.write() as session:
        hit_ids = ingest_reads(session, reads, engine, now, "test").hit_ids
    assert len(hit_ids) == 5
    dispatcher = enrol("5201", "dispatcher")
    confirmed, misread, gone, duplicate, _informational = hit_ids
    perform(db, dispatcher, hit_service.claim_hit, confirmed)
    _work_to_confirmation(db, dispatcher, confirmed)
    perform(db, dispatcher, hit_service.confirm_hit, confirmed)
    for hit_id in (misread, gone, duplicate):
        perform(db, dispatcher, hit_service.claim_hit, hit_id)
    perform(db, dispatcher, hit_service.record_step, gone,
            StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-118813", "incident_type": "10851"}))
    perform(db, dispatcher, hit_service.record_step, gone, StepInput(
        Step.RECORD_CHECKS, {"clets_result": "SVS: RECOVERED", "ncic_result": "NIC CLEARED",
                             "outcome": "no_longer_wanted"}))
    for hit_id, closing in ((misread, HitStatus.MISREAD), (gone, HitStatus.NO_LONGER_WANTED),
                            (duplicate, HitStatus.DUPLICATE)):
        perform(db, dispatcher, hit_service.close_hit, hit_id, closing,
                "checked against the photo and records")
    result = query(db, admin, activity_stats, "24h")
    bucket = next(i for i, (a, b) in enumerate(pairwise(result.hours.edges))
                  if a <= now < b)
    assert [(s.title, s.total, s.counts[bucket]) for s in result.hits_by_list] == [
        ("SPD hot plates", 4, 4), ("SPD special hot list", 1, 1)]
    assert [(s.title, s.total) for s in result.dispositions] == [
        ("Confirmed", 1), ("Closed: misread", 1), ("Closed: no longer wanted", 1),
        ("Closed: duplicate", 1)]
    assert result.open_hits == 1, "the informational hit is still open"
    assert "7ABC123" not in repr(result), "counts only: no plate leaves the service"


def test_many_lists_fold_into_other_lists(db: Database, admin: Context) -> None:
    when = at(LA, 2024, 6, 12, 9, 0)
    dets = store_reads(db, *[(when, "R1")] * 8)
    for index, det in enumerate(dets):  # list 0 has two hits, lists 1..6 one each
        add_hits(db, f"List {max(index - 1, 0)}", [(det, when, HitStatus.NEW, None)])
    result = stats(db, admin, "24h", at(LA, 2024, 6, 12, 10, 0), "America/Los_Angeles")
    assert [(s.title, s.total) for s in result.hits_by_list] == [
        ("List 0", 2), ("List 1", 1), ("List 2", 1), ("List 3", 1), ("List 4", 1),
        ("Other lists (2)", 2)]


def test_readers_reporting_per_hour_and_heard_recently(db: Database, admin: Context) -> None:
    add_devices(db, ("FX-1", DeviceKind.ALPR_FIXED, True), ("FX-2", DeviceKind.ALPR_FIXED, True),
                ("MB-1", DeviceKind.ALPR_MOBILE, True),
                ("FX-OLD", DeviceKind.ALPR_FIXED, False),
                ("CAM-1", DeviceKind.CAMERA, True), ("CAM-2", DeviceKind.CAMERA, True),
                ("CAM-3", DeviceKind.CAMERA, True), ("CAM-OLD", DeviceKind.CAMERA, False))
    utc = ZoneInfo("UTC")
    store_reads(db, (at(utc, 2024, 6, 12, 10, 5), "FX-1"), (at(utc, 2024, 6, 12, 12, 5), "FX-1"),
                (at(utc, 2024, 6, 12, 14, 1), "FX-1"), (at(utc, 2024, 6, 12, 14, 30), "FX-1"),
                (at(utc, 2024, 6, 12, 14, 25), "MB-1"),
                (at(utc, 2024, 6, 12, 14, 30), "FX-OLD"),  # out of service: not counted
                (at(utc, 2024, 6, 12, 14, 31), "NO-SUCH-READER"))
    with db.write() as session:
        record_heartbeats(session, [Heartbeat("agent-1", at(utc, 2024, 6, 12, 14, 30), (
            StreamStatus("CAM-1", None, 10.0, True, None),
            StreamStatus("CAM-3", None, None, False, None),
            StreamStatus("CAM-OLD", None, 10.0, True, None),
            StreamStatus("FX-2", None, None, True, None))),
            Heartbeat("agent-2", at(utc, 2024, 6, 12, 13, 0), (
                StreamStatus("CAM-2", None, 10.0, True, None),))])
    result = stats(db, admin, "24h", at(utc, 2024, 6, 12, 14, 37), "UTC")
    readers = result.readers
    fixed, mobile, trailer = readers.by_kind
    assert (fixed.kind, fixed.in_service, mobile.kind, mobile.in_service) == (
        "alpr_fixed", 2, "alpr_mobile", 1)
    assert (trailer.kind, trailer.in_service) == ("trailer", 0)
    # Hours 10:00, 12:00 and 14:00 are buckets 19, 21 and 23 of the window. FX-2 sent no
    # read but its agent said it streamed at 14:30: up on a quiet street, so reporting.
    assert {i: c for i, c in enumerate(fixed.counts) if c} == {19: 1, 21: 1, 23: 2}
    assert {i: c for i, c in enumerate(mobile.counts) if c} == {23: 1}
    assert [(r.code, r.hours) for r in readers.by_reader] == [("FX-2", 1), ("MB-1", 1),
                                                             ("FX-1", 3)]
    assert readers.readers_in_service == 3
    assert readers.heard_recently == 3, "FX-1 and MB-1 by reads, FX-2 by its heartbeat"
    assert (readers.cameras_in_service, readers.cameras_streaming) == (3, 1)
    assert result.reads_per_hour[-1] == 5, "every read counts, known reader or not"


def test_empty_database_gives_empty_buckets(db: Database, admin: Context) -> None:
    result = stats(db, admin, "30d", at(LA, 2024, 3, 20, 8, 0), "America/Los_Angeles")
    assert len(result.hit_buckets) == 30 and result.hit_buckets.unit == "day"
    assert len(result.hours) == 29 * 24 - 1 + 9, "Mar 10 lost an hour; today runs to 09:00"
    assert set(result.reads_per_hour) == {0} and result.hits_by_list == ()
    assert all(set(s.counts) == {0} and len(s.counts) == 30 for s in result.dispositions)
    assert (result.open_hits, result.readers.readers_in_service) == (0, 0)


def test_viewing_counts_writes_no_audit_event(db: Database, admin: Context, enrol) -> None:
    """Aggregate counts carry no plate or person; refreshing every few seconds would only
    flood the chain. IT staff see the dashboard too."""
    it_staff = enrol("7401", "it_staff")
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    query(db, it_staff, activity_stats, "7d")
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


@pytest.mark.policy("A.2")
def test_a_dispatcher_is_refused_and_the_refusal_audited(db: Database, enrol) -> None:
    dispatcher = enrol("5201", "dispatcher")
    event = assert_refused(db, lambda: query(db, dispatcher, activity_stats, "24h"),
                           action="dashboard.view", clause="A.2",
                           match="Only ALPR administrator", error=Refused)
    assert event.actor_badge == "5201"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"window": "1y"}, "window"),
    ({"window": "24h; DROP TABLE detections"}, "window"),
    ({"window": None}, "window"),
    ({"zone": "Mars/Olympus_Mons"}, "zone"),
    ({"zone": "../../etc/passwd"}, "zone"),
    ({"zone": "x" * 500}, "zone"),
    ({"zone": 7}, "zone"),
    ({"until": datetime(2024, 6, 1, 12, 0)}, "until"),  # no zone: ambiguous
    ({"until": datetime(1, 1, 1, tzinfo=UTC)}, "until"),
    ({"until": datetime(9999, 12, 31, tzinfo=UTC)}, "until"),
    ({"until": "yesterday"}, "until"),
])
def test_bad_input_is_rejected_naming_the_field(db: Database, admin: Context,
                                                kwargs: dict[str, object], field: str) -> None:
    given = dict(kwargs)  # the parameter dicts are shared by both engines' runs
    window = given.pop("window", "24h")
    assert_refused(db, lambda: query(db, admin, activity_stats, window, **given),
                   action="dashboard.view", match=rf"^{field}:", error=InputRejected)
