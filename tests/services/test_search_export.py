"""CSV export of search results: audited with its hash, only the reads one's own search
returned, cells that no spreadsheet runs as a formula, and the file written whole, when its
audit event commits, or not at all."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from rtic_console.domain.reads import PlateRead
from rtic_console.domain.recipients import ExportRecipient
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.services.search import SearchResult
from rtic_console.services.search_export import CSV_COLUMNS, export_search_csv
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import Detection
from tests.refusals import assert_refused
from tests.services.test_search import NOW, PLACES, canvass, run, seed_reads

SPD = ExportRecipient.spd("26-1")  # the case every search here runs for


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder of its own: the SQLite database lives in tmp_path."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def officer(db: Database, enrol) -> Context:
    seed_reads(db)
    return enrol("6301", "officer")


def export(db: Database, ctx: Context, result: SearchResult, path: Path,
           ids: list[int] | None = None, recipient: ExportRecipient | None = None) -> object:
    recipient = SPD if recipient is None else recipient
    ids = [r.detection_id for r in result.reads] if ids is None else ids
    return perform(db, ctx, export_search_csv, result.search_id, ids, path, recipient)


def exports(db: Database) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action="search.export"))


def test_export_is_audited_with_rows_and_hash(db: Database, officer: Context,
                                              out: Path) -> None:
    result = run(db, officer, plate="7AB*")
    target = out / "search.csv"
    receipt = export(db, officer, result, target)
    data = target.read_bytes()
    assert receipt.rows == 2 and receipt.sha256 == hashlib.sha256(data).hexdigest()
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600, "readable by its owner only"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert list(rows[0]) == CSV_COLUMNS
    assert [r["plate"] for r in rows] == [r.plate for r in result.reads]
    assert {r["search_id"] for r in rows} == {str(result.search_id)}
    (event,) = exports(db)
    assert event.object_id == str(result.search_id) and event.actor_badge == "6301"
    assert event.details == {"search_id": result.search_id, "rows": 2,
                             "sha256": receipt.sha256, "file": "search.csv",
                             "recipient": "SPD internal use, case 26-1",
                             "recipient_kind": "spd_case"}
    assert [p.name for p in out.iterdir()] == ["search.csv"]


def test_cells_cannot_run_as_formulas(db: Database, officer: Context, out: Path) -> None:
    # The south reader's address is "=1+2": text that a spreadsheet would evaluate.
    result = canvass(db, officer, near=(38.4957, -121.4693), radius_m=200)
    target = out / "canvass.csv"
    export(db, officer, result, target)
    rows = list(csv.DictReader(target.open(encoding="utf-8", newline="")))
    assert {r["place"] for r in rows} == {"'=1+2"}
    assert {r["longitude"] for r in rows} == {"-121.4693"}, "numbers stay numbers"


@pytest.mark.policy("D.1")
def test_only_the_searcher_exports_their_search(db: Database, officer: Context, enrol,
                                                out: Path) -> None:
    result = run(db, officer, plate="7AB*")
    colleague = enrol("6302", "officer")
    target = out / "theirs.csv"
    refused = assert_refused(db, lambda: export(db, colleague, result, target),
                             action="search.export", clause="D.1",
                             match="Only the person who ran search", error=Refused)
    assert not target.exists() and refused.actor_badge == "6302"


def test_only_reads_the_search_returned_leave(db: Database, officer: Context,
                                              out: Path) -> None:
    plate_search = run(db, officer, plate="7AB*")
    other = run(db, officer, plate="4XYZ001")
    target = out / "x.csv"
    mixed = [plate_search.reads[0].detection_id, other.reads[0].detection_id]
    assert_refused(db, lambda: export(db, officer, plate_search, target, mixed),
                   action="search.export", clause="D.1",
                   match="1 of them are not results of search", error=InputRejected)
    for ids, message in (([], "nothing to export"), (["1; DROP TABLE"], "read numbers"),
                         ([True], "read numbers")):
        assert_refused(db, lambda ids=ids: export(db, officer, plate_search, target, ids),
                       action="search.export", match=message, error=InputRejected)
    assert not target.exists()
    assert list(out.iterdir()) == []


def test_bad_targets_are_refused_and_nothing_left_behind(db: Database, officer: Context,
                                                         out: Path) -> None:
    result = run(db, officer, plate="7AB*")
    for target in (out / "missing" / "x.csv", out):
        assert_refused(db, lambda target=target: export(db, officer, result, target),
                       action="search.export", match="file:", error=InputRejected)
    assert_refused(db, lambda: perform(db, officer, export_search_csv, 999, [1],
                                       out / "x.csv", SPD),
                   action="search.export", match="no search #999", error=InputRejected)
    assert list(out.iterdir()) == []


def test_export_replaces_an_existing_file_whole(db: Database, officer: Context,
                                                out: Path) -> None:
    target = out / "again.csv"
    target.write_text("old contents that are longer than the new file will be " * 200)
    result = run(db, officer, plate="4XYZ001")
    receipt = export(db, officer, result, target)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == receipt.sha256
    assert receipt.rows == 1 and [p.name for p in out.iterdir()] == ["again.csv"]


def late_read(db: Database, source_id: str, received_at: datetime) -> int:
    """A 7AB* read from the midtown reader, stored with the given arrival time."""
    read = PlateRead(source="csv", source_id=source_id, plate="7ABC555", plate_raw="7ABC555",
                     state="CA", confidence=0.9, captured_at=NOW, device_ref="ALPR-MT-01",
                     latitude=PLACES["midtown"][0], longitude=PLACES["midtown"][1])
    with db.write() as session:
        ingest_reads(session, [read], MatchingEngine(), received_at, "test")
        return session.scalars(select(Detection.id).where(
            Detection.source_id == source_id)).one()


def test_a_read_stored_after_the_search_does_not_leave(db: Database, officer: Context,
                                                       out: Path) -> None:
    """It matches the logged criteria, but the search never showed it."""
    result = run(db, officer, plate="7AB*")
    assert len(result.reads) == 2
    later = late_read(db, "late", datetime.now(UTC))
    target = out / "late.csv"
    assert_refused(db, lambda: export(db, officer, result, target,
                                      [result.reads[0].detection_id, later]),
                   action="search.export", clause="D.1",
                   match=r"reads: 1 of them are not results of search", error=InputRejected)
    assert not target.exists()


def test_no_more_reads_leave_than_the_search_returned(db: Database, officer: Context,
                                                       out: Path) -> None:
    """A read dated before the search but committed after it still passes the time check."""
    result = run(db, officer, plate="7AB*")
    late = late_read(db, "late-commit", NOW)
    target = out / "more.csv"
    ids = [*(r.detection_id for r in result.reads), late]
    assert_refused(db, lambda: export(db, officer, result, target, ids),
                   action="search.export", clause="D.1",
                   match=rf"reads: search #{result.search_id} returned 2, not 3",
                   error=InputRejected)
    assert not target.exists()


def test_the_file_appears_only_when_the_export_commits(db: Database, officer: Context,
                                                       out: Path) -> None:
    result = run(db, officer, plate="7AB*")
    ids = [r.detection_id for r in result.reads]
    target = out / "committed.csv"
    with db.write() as session:
        receipt = export_search_csv(session, officer, result.search_id, ids, target, SPD)
        assert not target.exists(), "no file before its audit event is committed"
    assert hashlib.sha256(target.read_bytes()).hexdigest() == receipt.sha256
    assert [p.name for p in out.iterdir()] == ["committed.csv"] and len(exports(db)) == 1


def test_no_file_when_the_export_rolls_back(db: Database, officer: Context,
                                            out: Path) -> None:
    result = run(db, officer, plate="7AB*")
    ids = [r.detection_id for r in result.reads]
    target = out / "rolled-back.csv"
    with pytest.raises(RuntimeError, match="after the export"), db.write() as session:
        export_search_csv(session, officer, result.search_id, ids, target, SPD)
        raise RuntimeError("the transaction fails after the export")
    assert list(out.iterdir()) == [], "neither the file nor its staged part is left"
    assert not exports(db)


def test_a_file_that_cannot_be_moved_in_after_the_commit_is_reported(
        db: Database, officer: Context, out: Path) -> None:
    """The audit event is committed by then: say so, and leave no staged part behind."""
    result = run(db, officer, plate="7AB*")
    ids = [r.detection_id for r in result.reads]
    target = out / "taken.csv"
    with pytest.raises(InputRejected, match=r"^file: the export is audited but .*taken\.csv "
                                            "could not be written"), db.write() as session:
        export_search_csv(session, officer, result.search_id, ids, target, SPD)
        target.mkdir()  # the name is taken while the transaction is still open
        (target / "keep").touch()
    assert [p.name for p in out.iterdir()] == ["taken.csv"] and target.is_dir()
    assert len(exports(db)) == 1


@pytest.mark.policy("C.3")
@pytest.mark.parametrize(("recipient", "match"), [
    (None, "names its recipient"),
    (ExportRecipient.spd("26-2"), "names that case"),
    (ExportRecipient.shared(99), "no sharing request #99"),
])
def test_an_export_without_its_recipient_is_refused(db: Database, officer: Context,
                                                    out: Path, recipient, match: str) -> None:
    result = run(db, officer, plate="7AB*")
    assert_refused(db, lambda: perform(db, officer, export_search_csv, result.search_id,
                                       [r.detection_id for r in result.reads],
                                       out / "x.csv", recipient),
                   action="search.export", clause="C.3", match=match, error=Refused)
    assert list(out.iterdir()) == []


@pytest.mark.policy("C.3")
def test_another_agency_gets_only_what_its_granted_request_covers(
        db: Database, admin: Context, officer: Context, out: Path) -> None:
    from rtic_console.services import sharing
    from rtic_console.services.agencies import AgencyInput, add_agency

    for ori, state in (("CA0340100", "CA"), ("NV0020000", "NV")):
        perform(db, admin, add_agency, AgencyInput(ori, "PD", state, "local",
                                                   learn_partner=True))
    window = {"time_from": NOW - timedelta(hours=2), "time_to": NOW + timedelta(minutes=1)}
    granted = perform(db, admin, sharing.file_request, sharing.SharingInput(
        "CA0340100", "Det. A", "a@pd.example", "robbery", "X-1", plates="7ABC123", **window),
        out / "packages")
    refused = perform(db, admin, sharing.file_request, sharing.SharingInput(
        "NV0020000", "Det. B", "b@pd.example", "robbery", "X-2", plates="7ABC123", **window))
    result = run(db, officer, plate="7AB*")
    by_plate = {r.plate: r.detection_id for r in result.reads}
    assert_refused(db, lambda: export(db, officer, result, out / "nv.csv",
                                      [by_plate["7ABC123"]], ExportRecipient.shared(refused.id)),
                   action="search.export", clause="C.3", match="refused under C.4",
                   error=Refused)
    assert_refused(db, lambda: export(db, officer, result, out / "more.csv", None,
                                      ExportRecipient.shared(granted.id)),
                   action="search.export", clause="C.3", match="holds others", error=Refused)
    export(db, officer, result, out / "ok.csv", [by_plate["7ABC123"]],
           ExportRecipient.shared(granted.id))
    assert exports(db)[-1].details["sharing_request"] == granted.id
    assert sorted(p.name for p in out.iterdir()) == ["ok.csv", "packages"]
