"""The purge (C.1, F.5): everything past retention and not held goes from every table, held
data survives, one audit event, the chain still verifies, the database's clock decides, one
purge at a time, and an interrupted purge is completed by the next."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from rtic_console.domain.retention import RetentionKind
from rtic_console.services import evidence_holds, recordings, retention
from rtic_console.services.agencies import AgencyInput, add_agency
from rtic_console.services.context import Context, Refused
from rtic_console.services.evidence_holds import HoldRequest
from rtic_console.services.retention_purge import run_purge
from rtic_console.services.runner import perform
from rtic_console.store import audit_log, partitions
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import (
    Agency,
    AuditPlate,
    Detection,
    DetectionImage,
    Hit,
    HitStep,
    PurgeRun,
    RecordingSegment,
    SearchRecord,
    SharingRequest,
)
from tests.refusals import assert_refused
from tests.services.pscn_support import add_camera, at, write_segment
from tests.services.retention_support import add_read, make_weeks

NOW = datetime.now(UTC)


def _ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _hold(db: Database, ctx: Context, **what: object) -> int:
    return perform(db, ctx, evidence_holds.place_hold,
                   HoldRequest("26-100", "homicide", **what)).id


def _search(db: Database, ctx: Context, plate: str, when: datetime) -> int:
    with db.write() as session:
        row = SearchRecord(person_id=ctx.actor.person_id, actor_badge=ctx.actor.badge,
                           searched_at=when, kind="plate", purpose="stolen_vehicle",
                           case_number="26-1", plate_pattern=plate, match_mode="exact",
                           parameters=json.dumps({"plate": plate, "mode": "exact"}),
                           result_count=1)
        session.add(row)
        session.flush()
        return row.id


def _audit_plate(db: Database, seq: int, plate: str, kind: str, when: datetime) -> None:
    with db.write() as session:
        session.add(AuditPlate(seq=seq, field="plate", plate=plate, kind=kind,
                               occurred_at=when))


def _ids(db: Database, column) -> set:
    with db.read() as session:
        return set(session.scalars(select(column)))


@dataclass
class World:
    """Data of every kind, some past retention, some held, some young."""

    reads: dict[str, int] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    searches: dict[str, int] = field(default_factory=dict)
    segments: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(db: Database, admin: Context, tmp_path: Path) -> World:
    w = World()
    for kind, days in (("detections", 180), ("hit_images", 100), ("search_plates", 90),
                       ("recordings", 90)):
        perform(db, admin, retention.set_retention, kind, days)
    for name, plate, age, hit in (("old", "OLD001", 200, True), ("old_plain", "OLD002", 300,
                                  False), ("held_id", "HELD01", 200, False),
                                  ("held_plate", "HELD02", 250, True),
                                  ("held_hit", "HELD03", 190, True),
                                  ("hit_aged", "AGED01", 110, True),
                                  ("young", "YNG001", 10, True)):
        w.reads[name], hit_id = add_read(db, plate, _ago(age), hit=hit)
        if hit_id:
            w.hits[name] = hit_id
    make_weeks(db, *(_ago(age) for age in (200, 300, 250, 190, 110, 10)))
    _hold(db, admin, detection_id=w.reads["held_id"])
    _hold(db, admin, plate="HELD02", start=_ago(260), end=_ago(240))
    _hold(db, admin, hit_id=w.hits["held_hit"])
    for name, plate, age in (("old", "OLD001", 100), ("held", "HELD02", 120),
                             ("young", "YNG001", 5)):
        w.searches[name] = _search(db, admin, plate, _ago(age))
    for seq, plate, kind, age in ((900001, "OLD001", "detections", 200),
                                  (900002, "OLD001", "search_plates", 100),
                                  (900003, "HELD02", "search_plates", 100),
                                  (900004, "YNG001", "detections", 10)):
        _audit_plate(db, seq, plate, kind, _ago(age))
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    for name, age in (("old", 120), ("held", 100), ("young", 3)):
        info = write_segment(tmp_path / "rec", camera.id, _ago(age), 2)
        with db.write() as session:
            recordings.index_segment(session, info)
        w.segments[name] = info.path
    _hold(db, admin, camera="CAM-AG-01", start=_ago(100.01), end=_ago(99.99))
    return w


@pytest.mark.policy("C.1")
def test_held_data_survives_and_the_rest_is_gone_from_every_table(
        db: Database, admin: Context, world: World) -> None:
    dry = run_purge(db, admin, dry_run=True)
    assert dry.run_id is None
    assert _ids(db, Detection.id) == set(world.reads.values()), "a dry run removes nothing"
    report = run_purge(db, admin)
    by_kind = {k.kind.value: k for k in report.kinds}
    assert {k: v.removed for k, v in by_kind.items()} == \
        {k.kind.value: k.removed for k in dry.kinds}, "the dry run counted what went"
    assert by_kind["detections"].removed == {"reads": 2, "images": 2, "hits": 1,
                                             "hit_steps": 1, "audit_plates": 1}
    assert by_kind["detections"].kept_for_holds == 3
    assert by_kind["hit_images"].removed == {"images": 1, "attachments": 1,
                                             "audit_plates": 0}
    assert by_kind["search_plates"].removed == {"searches": 1, "sharing_requests": 0,
                                                "audit_plates": 1}
    assert by_kind["recordings"].removed["segments"] == 1
    assert (by_kind["recordings"].kept_for_holds, by_kind["search_plates"].kept_for_holds) \
        == (1, 1)

    kept = {n: i for n, i in world.reads.items() if n not in ("old", "old_plain")}
    assert _ids(db, Detection.id) == set(kept.values())
    assert _ids(db, DetectionImage.detection_id) == set(kept.values()) - {kept["hit_aged"]}
    assert _ids(db, Hit.id) == {world.hits[n] for n in ("held_plate", "held_hit", "hit_aged",
                                                        "young")}
    with db.read() as session:
        attachments = dict(session.execute(select(HitStep.hit_id, HitStep.attachment)).all())
        searches = {r.id: r for r in session.scalars(select(SearchRecord))}
    assert attachments[world.hits["hit_aged"]] is None
    assert attachments[world.hits["young"]] is not None
    old = searches[world.searches["old"]]
    assert old.plate_pattern is None and "OLD001" not in old.parameters
    assert searches[world.searches["held"]].plate_pattern == "HELD02"
    assert searches[world.searches["young"]].plate_pattern == "YNG001"
    assert {900003, 900004} <= _ids(db, AuditPlate.seq)
    assert _ids(db, AuditPlate.plate) == {"HELD02", "YNG001"}, "the held plate's stay"
    assert {Path(p).exists() for p in world.segments.values()} == {True, False}
    assert not Path(world.segments["old"]).exists()
    assert len(_ids(db, RecordingSegment.id)) == 2

    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="retention.purge"))
        assert audit_log.verify(session).ok
        (run,) = session.scalars(select(PurgeRun))
    assert event.actor_badge == "1001" and event.object_id == str(report.run_id)
    assert event.details["kinds"]["detections"]["removed"]["reads"] == 2
    assert event.details["kinds"]["detections"]["cutoff"] == \
        by_kind["detections"].cutoff.isoformat()
    assert run.outcome == "done" and json.loads(run.counts)["detections"]["reads"] == 2
    again = run_purge(db, admin)
    assert all(not any(k.removed.values()) for k in again.kinds), "nothing left to remove"
    if db.is_postgres:  # whole weeks went; the held reads left them first, still found by id
        with db.read() as session:
            moved = set(session.scalars(text("SELECT id FROM detections_held")))
            weeks_left = partitions.weeks_before(session, _ago(180))
            images_held = set(session.scalars(text(
                "SELECT detection_id FROM detection_images_held")))
        assert moved == {world.reads[n] for n in ("held_id", "held_plate", "held_hit")}
        assert images_held == moved and weeks_left == []


@pytest.mark.policy("C.1")
def test_a_held_reads_hit_survives_its_weeks_drop_and_an_unheld_ones_goes(
        db: Database, admin: Context) -> None:
    perform(db, admin, retention.set_retention, "detections", 180)
    when = _ago(300)
    held, held_hit = add_read(db, "HELD09", when, hit=True)
    add_read(db, "GONE09", when + timedelta(seconds=1), hit=True)
    make_weeks(db, when)
    _hold(db, admin, detection_id=held)
    report = run_purge(db, admin)
    assert report.kinds[0].removed["hits"] == 1
    assert report.kinds[0].removed["hit_steps"] == 1
    assert _ids(db, Hit.id) == {held_hit}
    assert _ids(db, HitStep.hit_id) == {held_hit}, "its checklist stays with it"
    assert _ids(db, Detection.id) == {held}
    if db.is_postgres:  # by the week's drop, not the batches
        with db.read() as session:
            assert partitions.weeks_before(session, _ago(180)) == []
            assert report.kinds[0].removed["reads"] == 1


@pytest.mark.policy("C.1")
def test_the_90_day_floor_holds_against_a_callers_future_clock(db: Database,
                                                                admin: Context) -> None:
    perform(db, admin, retention.set_retention, "detections", 90)
    young, _ = add_read(db, "YNG001", _ago(10))
    edge, _ = add_read(db, "EDGE01", _ago(89))
    old, _ = add_read(db, "OLD001", _ago(91))
    ahead = at(admin, NOW + timedelta(days=400))  # as far as its training stays current
    report = run_purge(db, ahead)
    assert report.kinds[0].removed["reads"] == 1
    assert abs(report.database_now - datetime.now(UTC)) < timedelta(minutes=1)
    assert _ids(db, Detection.id) == {young, edge}
    assert old not in _ids(db, Detection.id)


@pytest.mark.policy("C.1")
def test_a_second_purge_at_the_same_time_is_refused(db: Database, admin: Context) -> None:
    perform(db, admin, retention.set_retention, "detections", 180)
    for age in (200, 201, 202):
        add_read(db, "OLD001", _ago(age))
    midway, resume = threading.Event(), threading.Event()
    outcome: list[object] = []

    def first_batch_done(_line: str) -> None:
        midway.set()
        assert resume.wait(10)

    def first() -> None:
        outcome.append(run_purge(db, admin, batch=1, progress=first_batch_done))

    thread = threading.Thread(target=first, name="rtic-test-purge")
    thread.start()
    try:
        assert midway.wait(10)
        assert_refused(db, lambda: run_purge(db, admin), action="retention.purge",
                       clause="C.1", match="Another purge", error=Refused)
    finally:
        resume.set()
        thread.join(10)
    assert outcome and outcome[0].kinds[0].removed["reads"] == 3


class Killed(BaseException):
    """What a kill looks like from inside the process: nothing of ours catches it."""


@pytest.mark.policy("C.1")
def test_a_purge_killed_halfway_is_completed_by_the_next(db: Database, admin: Context) -> None:
    perform(db, admin, retention.set_retention, "detections", 180)
    gone = [add_read(db, "OLD001", _ago(200 + n))[0] for n in range(3)]
    held, _ = add_read(db, "HELD01", _ago(300))
    _hold(db, admin, detection_id=held)

    def kill(_line: str) -> None:
        raise Killed

    with pytest.raises(Killed):
        run_purge(db, admin, batch=2, progress=kill)
    assert len(_ids(db, Detection.id) & set(gone)) == 1, "one batch of two went"
    report = run_purge(db, admin)
    assert _ids(db, Detection.id) == {held}
    (first_run,) = report.resumed
    assert report.resumed[first_run]["detections"]["reads"] == 2
    assert report.kinds[0].removed["reads"] == 1
    with db.read() as session:
        outcomes = dict(session.execute(select(PurgeRun.id, PurgeRun.outcome)).all())
        (event,) = list_events(session, AuditFilter(action="retention.purge"))
    assert outcomes == {first_run: "resumed", report.run_id: "done"}
    assert event.details["resumed"][str(first_run)]["detections"]["reads"] == 2


def test_a_stale_running_row_does_not_block_the_next_purge(db: Database,
                                                           admin: Context) -> None:
    """A purge whose process was killed outright leaves its row running; past the lock's
    staleness (SQLite) or at once (PostgreSQL, whose advisory lock died with it) the next
    purge takes over and reports it."""
    with db.write() as session:
        session.add(PurgeRun(run_by="1001", workstation="W", started_at=_ago(1),
                             heartbeat_at=_ago(1), outcome="running",
                             cutoffs="{}", counts=json.dumps({"detections": {"reads": 5}})))
    report = run_purge(db, admin)
    assert list(report.resumed.values()) == [{"detections": {"reads": 5}}]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(PurgeRun)
                              .where(PurgeRun.outcome == "running")) == 0


@pytest.mark.policy("A.2")
def test_only_an_alpr_administrator_purges(db: Database, admin: Context, enrol) -> None:
    supervisor = enrol("7001", "supervisor")
    assert run_purge(db, supervisor, dry_run=True).dry_run
    assert_refused(db, lambda: run_purge(db, supervisor), action="retention.purge",
                   error=Refused)


@pytest.mark.policy("C.1")
def test_a_sharing_requests_plates_go_with_the_search_logs_unless_held(
        db: Database, admin: Context) -> None:
    """The plates another agency asked about are plate data: kept as long as the search
    log's plates, longer while a plate hold names one of them."""
    perform(db, admin, retention.set_retention, "search_plates", 90)
    perform(db, admin, add_agency, AgencyInput("CA0340100", "Elk Grove PD", "CA", "local",
                                               learn_partner=True))
    with db.write() as session:
        agency = session.scalar(select(Agency.id))
        ids = {}
        for name, plates, age in (("old", ["OLD001", "OLD002"], 100),
                                  ("held", ["OLD003", "HELD02"], 120),
                                  ("young", ["YNG001"], 5)):
            row = SharingRequest(
                agency_id=agency, requester_name="Det. R. Alvarez", requester_contact="x",
                purpose="robbery", their_case_number="EG-1", plates=json.dumps(plates),
                time_from=_ago(age + 2), time_to=_ago(age + 1), filed_by="1000",
                filed_at=_ago(age), decision="granted", clause="C.2", clauses="C.2",
                decision_reason="granted", decided_at=_ago(age))
            session.add(row)
            session.flush()
            ids[name] = row.id
    make_weeks(db, _ago(120))
    add_read(db, "HELD02", _ago(120))
    _hold(db, admin, plate="HELD02", start=_ago(130), end=_ago(110))
    dry = run_purge(db, admin, dry_run=True)
    report = run_purge(db, admin)
    counted = {k.kind: k.removed for k in report.kinds}[RetentionKind.SEARCH_PLATES]
    assert counted["sharing_requests"] == 1
    assert {k.kind: k.removed for k in dry.kinds}[RetentionKind.SEARCH_PLATES][
        "sharing_requests"] == 1
    with db.read() as session:
        kept = dict(session.execute(select(SharingRequest.id, SharingRequest.plates)).all())
    assert kept[ids["old"]] is None
    assert json.loads(kept[ids["held"]]) == ["OLD003", "HELD02"]
    assert json.loads(kept[ids["young"]]) == ["YNG001"]
