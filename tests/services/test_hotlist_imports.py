"""Hot list imports cannot quietly weaken the lists (E.1, E.2, I.1): real files, both engines.

A refused import keeps the previous list, writes nothing but its audited refusal, and says
why; a list that shrinks too far needs a confirmation that is audited with both counts.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rtic_console.domain.hotlists import ListKind
from rtic_console.domain.reads import PlateRead
from rtic_console.feeds.hotlist_files import parse_hotlist
from rtic_console.services import hits as hit_service
from rtic_console.services import hotlists
from rtic_console.services.context import Context
from rtic_console.services.hotlists import ImportReport, ShrinkRefused
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import HotListEntry
from tests.refusals import assert_refused
from tests.services.pscn_support import at

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hotlists"
# The moment the 24-hour fixture (spd_plates_24h.csv) was written for.
MORNING = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def run_import(db: Database, ctx: Context, name: str, list_name: str = "CA SVS",
               when: datetime | None = None, **options: object) -> ImportReport:
    data = (FIXTURES / name).read_bytes()
    parsed = parse_hotlist(data, name, imported_at=when)
    return perform(db, at(ctx, when) if when else ctx, hotlists.import_list, list_name, name,
                   hashlib.sha256(data).hexdigest(), parsed, **options)


def entries(db: Database, status: str | None = None) -> int:
    query = select(func.count()).select_from(HotListEntry)
    with db.read() as session:
        return session.scalar(query.where(HotListEntry.status == status) if status else query)


def last_event(db: Database, action: str):  # type: ignore[no-untyped-def]
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))[0]


@pytest.mark.policy("E.2")
def test_shrinking_a_list_needs_a_confirmation_audited_with_both_counts(
        db: Database, admin: Context) -> None:
    assert run_import(db, admin, "svs.tbl").in_force == 35
    event = assert_refused(db, lambda: run_import(db, admin, "svs_partial.tbl"),
                           action="hotlist.import", clause="E.2", error=ShrinkRefused,
                           match=r"from 35 to 2 entries in force \(94% fewer; more than 10%")
    assert "previous list kept" in event.reason
    assert (event.details["previous"], event.details["in_force"]) == (35, 2)
    assert event.details["sha256"] == hashlib.sha256(
        (FIXTURES / "svs_partial.tbl").read_bytes()).hexdigest()
    report = run_import(db, admin, "svs_partial.tbl", allow_shrink=True)
    assert (report.previous, report.in_force, report.shrink_confirmed) == (35, 2, True)
    assert entries(db) == 2
    event = last_event(db, "hotlist.import")
    assert event.details["previous"] == 35 and event.details["in_force"] == 2
    assert event.details["shrink_confirmed"] is True and event.actor_badge == "1001"
    # Growing back, or the same file again, needs no confirmation.
    again = run_import(db, admin, "svs.tbl")
    assert (again.previous, again.in_force, again.shrink_confirmed) == (2, 35, False)
    assert last_event(db, "hotlist.import").details["shrink_confirmed"] is False


@pytest.mark.policy("E.2")
def test_the_shrink_share_is_a_setting(db: Database, admin: Context) -> None:
    run_import(db, admin, "svs.tbl")
    strict = Context(admin.actor, replace(admin.settings, hotlist_max_shrink_share=0.0))
    refused = assert_refused(db, lambda: perform(
        db, strict, hotlists.import_list, "CA SVS", "svs.tbl", "0" * 64, parse_hotlist(
            (FIXTURES / "svs.tbl").read_bytes().replace(b"8QRS772   AZ0020261114\r\n", b""),
            "svs.tbl")), action="hotlist.import", clause="E.2", match="from 35 to 34")
    assert refused.details["max_shrink_share"] == 0.0


@pytest.mark.policy("E.2")
def test_a_file_whose_entries_all_expired_is_refused(db: Database, admin: Context) -> None:
    event = assert_refused(db, lambda: run_import(db, admin, "expired_2020.csv", "Stolen 2020"),
                           action="hotlist.import", clause="E.2",
                           match="every one of its 3 entries has expired")
    assert event.details["file"] == "expired_2020.csv" and event.details["entries"] == 3


@pytest.mark.policy("E.2")
@pytest.mark.parametrize(("name", "reason"), [
    ("slr_truncated.tbl", "looks truncated"), ("empty.tbl", "holds no records")])
def test_a_broken_file_is_refused_and_the_previous_list_kept(
        db: Database, admin: Context, tmp_path: Path, name: str, reason: str) -> None:
    run_import(db, admin, "svs.tbl")
    path = FIXTURES / name if name != "empty.tbl" else tmp_path / name
    if name == "empty.tbl":
        path.write_bytes(b"")
    parsed = parse_hotlist(path.read_bytes(), path.name)
    assert_refused(db, lambda: perform(db, admin, hotlists.import_list, "CA SVS", path.name,
                                       "0" * 64, parsed),
                   action="hotlist.import", clause="E.2", match=reason)
    assert entries(db, "active") == 35


@pytest.mark.policy("I.1")
def test_a_simple_list_without_the_record_is_special(db: Database, admin: Context,
                                                     enrol) -> None:
    officer = enrol("4102", "alpr_admin")
    report = run_import(db, officer, "burglary_series.csv", "Burglary series")
    assert report.kind is ListKind.SPECIAL and report.pending
    assert report.special_reasons[0] == "2 of 3 rows lack a CLETS/NCIC counterpart (E.2)"
    assert entries(db, "pending") == 3 and entries(db, "active") == 0
    event = last_event(db, "hotlist.import")
    assert event.details["kind"] == "special" and event.details["status"] == "pending"
    engine = MatchingEngine()
    with db.read() as session:
        engine.load(session)
    read = PlateRead(source="openalpr", source_id="brg-1", plate="6BRG101",
                     plate_raw="6BRG101", state="CA", confidence=0.9,
                     captured_at=datetime.now(UTC), device_ref="R1")
    with db.write() as session:
        assert ingest_reads(session, [read], engine, datetime.now(UTC), "t").hit_ids == ()
    # A supervisor other than the importer approves an entry (I.1); its hits inform only.
    pending = {e.plate: e for e in perform(db, enrol("8501", "supervisor"),
                                           hotlists.pending_specials)}
    perform(db, enrol("8502", "supervisor"), hotlists.decide_special, pending["6BRG101"].id,
            True, "pattern confirmed by the burglary unit")
    with db.read() as session:
        engine.load(session)
    with db.write() as session:
        (hit_id,) = ingest_reads(session, [replace(read, source_id="brg-2")], engine,
                                 datetime.now(UTC), "t").hit_ids
    (hit,) = perform(db, officer, hit_service.list_hits)
    assert hit.id == hit_id and hit.informational


@pytest.mark.policy("E.1")
@pytest.mark.policy("E.2")
def test_a_simple_list_with_the_full_record_is_acted_on(db: Database, admin: Context) -> None:
    report = run_import(db, admin, "spd_plates_24h.csv", "Patrol plates", when=MORNING)
    assert report.kind is ListKind.SPD_HOT_PLATE and not report.pending
    assert report.special_reasons == () and entries(db, "active") == 3
    with db.read() as session:
        entry = session.scalar(select(HotListEntry).where(HotListEntry.plate == "8KLM204"))
    assert (entry.xref, entry.ncic_system, entry.ncic_record) == ("X7788120", "SFR",
                                                                  "F000323459")


@pytest.mark.policy("I.1")
def test_an_import_does_not_change_what_a_lists_hits_mean(db: Database,
                                                          admin: Context) -> None:
    run_import(db, admin, "spd_plates_24h.csv", "Patrol plates", when=MORNING)
    event = assert_refused(
        db, lambda: run_import(db, admin, "burglary_series.csv", "Patrol plates", when=MORNING),
        action="hotlist.import", clause="I.1", match="this file is a special list")
    assert (event.details["kind"], event.details["previous_kind"]) == ("special",
                                                                       "spd_hot_plate")


@pytest.mark.policy("E.1")
@pytest.mark.parametrize("name", [hotlists.SPD_HOT_PLATES, hotlists.SPECIAL_LIST])
def test_the_hand_entered_lists_are_not_replaced_by_a_file(db: Database, admin: Context,
                                                           name: str) -> None:
    assert_refused(db, lambda: run_import(db, admin, "spd_plates_24h.csv", name, when=MORNING),
                   action="hotlist.import", clause="E.1", match="entered one by one")
