"""Quarterly inspections (D.2.b): one per begun quarter, every search reviewed by someone
other than its searcher, referrals to the division commander, closed with the trail's head."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from rtic_console.domain.inspections import SearchFlag, Verdict
from rtic_console.services import registry
from rtic_console.services.agencies import AgencyInput, add_agency
from rtic_console.services.audit_anchor import verify_trail
from rtic_console.services.context import Context
from rtic_console.services.devices import DeviceInput, add_device
from rtic_console.services.divisions import set_commander
from rtic_console.services.inspection_devices import check_device, inspection_devices
from rtic_console.services.inspection_report import inspection_report
from rtic_console.services.inspection_searches import quarter_items
from rtic_console.services.inspections import (
    close_inspection,
    inspection_searches,
    open_inspection,
    review_search,
    show_inspection,
)
from rtic_console.services.referrals import pending_referrals, record_outcome
from rtic_console.services.runner import perform, query
from rtic_console.services.sharing import SharingInput, file_request
from rtic_console.store import audit_log
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import (
    AuditCheckpoint,
    DeviceHealthHour,
    DeviceReport,
    Inspection,
    SearchRecord,
)
from tests.refusals import assert_refused, head_seq
from tests.services.inspection_support import QUARTER, log_search, person
from tests.services.pscn_support import add_camera
from tests.services.test_registry import near
from tests.support import rewrite_trail, truncate_trail

FINDING = "No case activity; the searcher could not name the case's detective"


@pytest.fixture
def quarter(db: Database, admin: Context, enrol) -> dict[str, object]:
    """Officers 6001 (Patrol, commander 8001) and 6002 (Traffic, no commander), a supervisor
    reviewer 7001, and four searches of the quarter."""
    person(db, admin, "6001", "officer", "Patrol")
    person(db, admin, "6002", "officer", "Traffic")
    commander = enrol("8001", "division_commander")
    perform(db, admin, set_commander, "Patrol", "8001")
    reviewer = enrol("7001", "supervisor")
    ids = {"patrol": log_search(db, "6001", case="25-0001"),
           "patrol2": log_search(db, "6001", case="25-0002", minutes=5),
           "traffic": log_search(db, "6002", case="25-0003", minutes=10),
           "reviewers": log_search(db, "7001", case="25-0002", minutes=15)}
    perform(db, admin, open_inspection, QUARTER)
    return {"ids": ids, "commander": commander, "reviewer": reviewer}


def review(db: Database, ctx: Context, search_id: int, verdict: Verdict = Verdict.COMPLIANT,
           reason: str | None = None):
    return perform(db, ctx, review_search, QUARTER, search_id, verdict.value, reason)


@pytest.mark.policy("D.2.b(2)")
def test_every_search_of_the_quarter_is_listed_flagged_first(db: Database, admin: Context,
                                                            quarter) -> None:
    page = query(db, admin, inspection_searches, QUARTER)
    assert (page.searches, page.unreviewed) == (4, 4)
    first = page.items[0]
    assert first.search_id in (quarter["ids"]["patrol"], quarter["ids"]["traffic"])
    assert SearchFlag.NO_CASE_ACTIVITY in first.flags
    assert {i.search_id for i in page.items[2:]} == {quarter["ids"]["patrol2"],
                                                     quarter["ids"]["reviewers"]}
    flagged = query(db, admin, inspection_searches, QUARTER, only_flagged=True)
    assert flagged.total == page.flagged == 2
    assert first.badge == "6001" or first.division == "Traffic"


@pytest.mark.policy("D.2.b(2)(a)")
def test_out_of_compliance_goes_to_the_division_commander(db: Database, admin: Context,
                                                         quarter) -> None:
    ids, reviewer, commander = quarter["ids"], quarter["reviewer"], quarter["commander"]
    item = review(db, reviewer, ids["patrol"], Verdict.OUT_OF_COMPLIANCE, FINDING)
    assert item.referral_id is not None and item.reviewer == "7001"
    waiting = query(db, commander, pending_referrals)
    assert [(r.search_id, r.searcher_badge, r.finding) for r in waiting] == [
        (ids["patrol"], "6001", FINDING)]
    done = perform(db, commander, record_outcome, item.referral_id,
                   "Counselled on D.1 purposes; refresher training booked")
    assert (done.decided_by, query(db, commander, pending_referrals)) == ("8001", [])
    with db.read() as session:
        actions = [e.action for e in list_events(session, AuditFilter(limit=5))]
    assert actions[:3] == ["inspection.referral.outcome", "inspection.referral",
                           "inspection.review"]


@pytest.mark.policy("D.2.b(2)(a)")
def test_a_division_without_commander_is_flagged_never_dropped(db: Database, admin: Context,
                                                              quarter, enrol) -> None:
    item = review(db, quarter["reviewer"], quarter["ids"]["traffic"],
                  Verdict.OUT_OF_COMPLIANCE, FINDING)
    view = query(db, admin, show_inspection, QUARTER)
    assert (view.referrals, view.referrals_without_commander) == (1, 1)
    assert query(db, quarter["commander"], pending_referrals) == []
    second = enrol("8002", "division_commander")
    perform(db, admin, set_commander, "Traffic", "8002")
    assert [r.id for r in query(db, second, pending_referrals)] == [item.referral_id]
    perform(db, second, record_outcome, item.referral_id, "Reviewed with the officer; no action")


@pytest.mark.policy("D.2.b(2)(a)")
def test_only_the_referrals_commander_records_its_outcome(db: Database, admin: Context,
                                                         quarter, enrol) -> None:
    item = review(db, quarter["reviewer"], quarter["ids"]["patrol"],
                  Verdict.OUT_OF_COMPLIANCE, FINDING)
    other = enrol("8003", "division_commander")
    assert_refused(db, lambda: perform(db, other, record_outcome, item.referral_id,
                                       "Counselled the officer about purposes"),
                   action="inspection.referral.outcome", clause="D.2.b(2)(a)",
                   match="not to you")


@pytest.mark.policy("D.2.b(2)")
def test_a_reviewer_cannot_review_their_own_search(db: Database, quarter) -> None:
    assert_refused(db, lambda: review(db, quarter["reviewer"], quarter["ids"]["reviewers"]),
                   action="inspection.review", clause="D.2.b(2)", match="your own search")


@pytest.mark.policy("D.2.b(2)")
def test_out_of_compliance_without_a_reason_is_refused(db: Database, quarter) -> None:
    assert_refused(db, lambda: review(db, quarter["reviewer"], quarter["ids"]["patrol"],
                                      Verdict.OUT_OF_COMPLIANCE, "bad"),
                   action="inspection.review", clause="D.2.b(2)", match="at least")


@pytest.mark.policy("D.2.b(2)")
def test_one_inspection_per_quarter(db: Database, admin: Context, quarter) -> None:
    assert_refused(db, lambda: perform(db, admin, open_inspection, QUARTER),
                   action="inspection.open", clause="D.2.b(2)", match="already has")


@pytest.mark.policy("D.2.b(2)")
def test_a_future_quarter_is_refused(db: Database, admin: Context) -> None:
    assert_refused(db, lambda: perform(db, admin, open_inspection, "2999Q1"),
                   action="inspection.open", clause="D.2.b(2)", match="has not begun")


@pytest.mark.policy("D.2.b(2)")
def test_a_malformed_quarter_is_refused(db: Database, admin: Context) -> None:
    assert_refused(db, lambda: perform(db, admin, open_inspection, "2026-Q4"),
                   action="inspection.open", clause="D.2.b(2)", match="such as 2026Q4")


@pytest.mark.policy("D.2.b(2)")
def test_only_administrators_and_it_staff_open(db: Database, enrol) -> None:
    it = enrol("9001", "it_staff")
    assert perform(db, it, open_inspection, "2025Q2").opened_by == "9001"
    # IT staff check devices; the searches, with plates and cases, are for reviewers.
    assert_refused(db, lambda: query(db, it, inspection_searches, "2025Q2"),
                   action="inspection.show", clause="A.2")
    assert query(db, it, inspection_devices, "2025Q2") == []
    supervisor = enrol("7002", "supervisor")
    assert_refused(db, lambda: perform(db, supervisor, open_inspection, "2025Q1"),
                   action="inspection.open", clause="A.2")


@pytest.mark.policy("D.2.b(2)")
def test_close_is_refused_while_anything_is_unreviewed(db: Database, admin: Context,
                                                      quarter) -> None:
    review(db, quarter["reviewer"], quarter["ids"]["patrol"])
    event = assert_refused(db, lambda: perform(db, admin, close_inspection, QUARTER),
                           action="inspection.close", clause="D.2.b(2)",
                           match="3 of 4 searches")
    assert event.details["unreviewed"] == 3


@pytest.mark.policy("D.2.b(2)")
def test_closing_records_the_head_and_signs_it(db: Database, admin: Context, quarter,
                                              department_key: str) -> None:
    ids, reviewer = quarter["ids"], quarter["reviewer"]
    for key in ("patrol", "patrol2", "traffic"):
        review(db, reviewer, ids[key])
    review(db, admin, ids["reviewers"])
    before = head_seq(db)
    view = perform(db, admin, close_inspection, QUARTER)
    assert view.closed and view.unreviewed == 0
    assert view.audit_head_seq == before  # the head the checkpoint signed
    with db.read() as session:
        checkpoint = session.get(AuditCheckpoint, view.checkpoint_id)
        assert (checkpoint.head_seq, checkpoint.head_hash) == (view.audit_head_seq,
                                                               view.audit_head_hash)
        assert session.query(Inspection).one().closed_by == "1001"
        close = list_events(session, AuditFilter(action="inspection.close"))[0]
    assert close.details["head_seq"] == before
    assert_refused(db, lambda: review(db, reviewer, ids["patrol"]),
                   action="inspection.review", clause="D.2.b(2)", match="closed")


def test_closing_without_a_key_still_records_the_head(db: Database, admin: Context, quarter,
                                                     no_keyring) -> None:
    for key in quarter["ids"].values():
        review(db, admin if key == quarter["ids"]["reviewers"] else quarter["reviewer"], key)
    view = perform(db, admin, close_inspection, QUARTER)
    assert view.checkpoint_id is None and view.audit_head_seq == head_seq(db) - 1


def test_a_searchs_flags_near_it_are_its_flags_over_the_quarter(db: Database, quarter,
                                                               enrol) -> None:
    for minutes in range(3):
        log_search(db, "6002", case="25-0001", minutes=30 + minutes)  # a second searcher
    with db.read() as session:
        row = session.query(Inspection).one()
        whole = {i.search_id: i.flags for i in quarter_items(session, row)}
        for search_id, flags in whole.items():
            near = session.get(SearchRecord, search_id)
            assert next(i.flags for i in quarter_items(session, row, near=near)
                        if i.search_id == search_id) == flags
    assert any(whole.values()) and not all(whole.values())


@pytest.mark.policy("D.2.b(1)")
def test_every_device_is_checked_before_closing(db: Database, admin: Context, quarter,
                                                enrol) -> None:
    add_camera(db, admin, "CAM-AG-01")
    add_camera(db, admin, "CAM-AG-02")
    ids, reviewer = quarter["ids"], quarter["reviewer"]
    for key in ("patrol", "patrol2", "traffic"):
        review(db, reviewer, ids[key])
    review(db, admin, ids["reviewers"])
    it = enrol("9001", "it_staff")
    item = perform(db, it, check_device, QUARTER, "CAM-AG-01", True, True)
    assert (item.functioning, item.up_to_date, item.reviewer) == (True, True, "9001")
    assert_refused(db, lambda: perform(db, it, check_device, QUARTER, "CAM-AG-02", True, False),
                   action="inspection.device", clause="D.2.b(1)", match="says what is wrong")
    assert_refused(db, lambda: perform(db, reviewer, check_device, QUARTER, "CAM-AG-02", True,
                                       True), action="inspection.device", clause="A.2")
    assert_refused(db, lambda: perform(db, admin, close_inspection, QUARTER),
                   action="inspection.close", clause="D.2.b(1)", match="1 of 2 devices")
    perform(db, it, check_device, QUARTER, "CAM-AG-02", True, False,
            "Firmware 2.1, the department expects 2.4")
    view = perform(db, admin, close_inspection, QUARTER)
    assert (view.devices, view.devices_checked) == (2, 2)
    devices = query(db, admin, inspection_devices, QUARTER)
    assert [d.note for d in devices] == [None, "Firmware 2.1, the department expects 2.4"]


def _closed_without_key(db: Database, admin: Context, quarter) -> int:
    for key in quarter["ids"].values():
        review(db, admin if key == quarter["ids"]["reviewers"] else quarter["reviewer"], key)
    return perform(db, admin, close_inspection, QUARTER).audit_head_seq


@pytest.mark.policy("D.2.b(2)")
@pytest.mark.parametrize("attack", ["truncate", "rewrite"])
def test_the_trail_is_checked_against_the_head_an_inspection_recorded(
        db: Database, owner_db: Database, settings, admin: Context, quarter, no_keyring,
        attack: str) -> None:
    head = _closed_without_key(db, admin, quarter)
    with db.read() as session:
        assert verify_trail(session, settings).ok
    if attack == "truncate":
        truncate_trail(owner_db, head)
    else:
        rewrite_trail(owner_db, head - 2, "nothing to see here")
    with db.read() as session:
        report = verify_trail(session, settings)
        assert audit_log.verify(session).ok, "the keyless chain alone cannot see it"
    assert not report.ok and f"the inspection of {QUARTER}" in (report.problem or "")
    assert ("removed" if attack == "truncate" else "rewritten") in report.problem


@pytest.mark.policy("D.2.b(2)")
def test_case_activity_elsewhere_clears_the_flag(db: Database, admin: Context, quarter) -> None:
    def flags_of_traffic() -> frozenset[SearchFlag]:
        page = query(db, admin, inspection_searches, QUARTER)
        return next(i.flags for i in page.items if i.search_id == quarter["ids"]["traffic"])

    assert SearchFlag.NO_CASE_ACTIVITY in flags_of_traffic()
    perform(db, admin, registry.cameras_near, near(case="25-0003"))
    assert SearchFlag.NO_CASE_ACTIVITY not in flags_of_traffic()


@pytest.mark.policy("D.2.b(1)")
def test_the_device_check_shows_each_devices_quarter(db: Database, admin: Context, quarter,
                                                    enrol) -> None:
    """What the inspector judges 'functioning and up to date' by: uptime over the quarter,
    damage reports open at its end, and the version against the expected one."""
    reader = perform(db, admin, add_device, DeviceInput(
        "ALPR-FX-01", "fixed_reader", "J St reader", version="5.3.9",
        expected_version="5.4.2", installed_on=date(2025, 1, 6))).id
    with db.write() as session:
        start = session.get(Inspection, 1).starts_at
        session.execute(insert(DeviceHealthHour), [
            {"device_id": reader, "hour": start + timedelta(hours=h), "heartbeats": 0,
             "reads": 40} for h in range(24)])
        session.add_all([
            DeviceReport(device_id=reader, reported_by_badge="6001", problem="lens smashed",
                         reported_at=start + timedelta(days=30)),
            DeviceReport(device_id=reader, reported_by_badge="6001", problem="no power",
                         reported_at=start + timedelta(days=2),
                         cleared_at=start + timedelta(days=3), cleared_by_badge="1000",
                         clear_note="breaker reset")])
    (item,) = query(db, admin, inspection_devices, QUARTER)
    assert (item.open_reports, item.closed_reports, item.out_of_date) == (1, 1, True)
    assert item.uptime_share == pytest.approx(24 / (92 * 24), abs=0.001)
    assert (item.version_text, item.reports_text) == ("5.3.9 (expected 5.4.2)",
                                                      "1 open, 1 cleared")


@pytest.mark.policy("D.3.b")
@pytest.mark.policy("C.2")
def test_the_report_lists_unchecked_shifts_and_the_quarters_sharing(
        db: Database, admin: Context, enrol, tmp_path) -> None:
    """The inspection shows units that read plates with no start-of-shift check (D.3.b-d)
    and every sharing request of the quarter with its decision (issue 13, 15)."""
    now = datetime.now(UTC)
    current = f"{now.year}Q{(now.month - 1) // 3 + 1}"
    perform(db, admin, open_inspection, current)
    reader = perform(db, admin, add_device, DeviceInput(
        "ALPR-MB-1134", "mobile_reader", "Unit 1134 reader", vehicle_unit="1134")).id
    with db.write() as session:
        start = session.scalar(select(Inspection.starts_at).where(
            Inspection.quarter == current))
        first = max(start, now - timedelta(hours=6)).replace(minute=0, second=0,
                                                             microsecond=0)
        session.execute(insert(DeviceHealthHour), [
            {"device_id": reader, "hour": first + timedelta(hours=h), "heartbeats": 0,
             "reads": 25} for h in range(2)])
    perform(db, admin, add_agency, AgencyInput("DCFBIWA00", "FBI Sacramento", "DC", "federal",
                                               learn_partner=True))
    perform(db, admin, file_request, SharingInput(
        agency_ori="DCFBIWA00", requester_name="SA J. Doe", requester_contact="jdoe@fbi.example",
        purpose="bank robbery task force", their_case_number="FBI-1", plates="7ABC123",
        time_from=now - timedelta(days=2), time_to=now - timedelta(days=1)), tmp_path)
    report = perform(db, admin, inspection_report, current)
    (run,) = report.unchecked_shifts
    assert (run.vehicle_unit, run.device_codes, run.reads) == ("1134", ("ALPR-MB-1134",), 50)
    (shared,) = report.sharing
    assert (shared.agency_ori, shared.decision, shared.clause) == ("DCFBIWA00", "refused", "C.4")
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="inspection.report"))
    assert (event.details["unchecked_shifts"], event.details["sharing_requests"]) == (1, 1)
