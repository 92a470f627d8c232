"""`rtic-console inspection` and `user commander` as IT staff and reviewers use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtPdf import QPdfDocument

from rtic_console.store.database import Database
from tests.cli.conftest import CliRefused, Run, refused_by_cli
from tests.refusals import assert_refused
from tests.services.inspection_support import QUARTER, log_search, person
from tests.services.pscn_support import add_camera

FINDING = "Case number belongs to an unrelated burglary; no link to this plate"


@pytest.fixture
def searches(db: Database, admin, enrol, as_person: Run) -> dict[str, int]:
    person(db, admin, "6001", "officer", "Patrol")
    enrol("8001", "division_commander")
    enrol("7001", "supervisor")
    add_camera(db, admin, "CAM-AG-01")
    code, out, err = as_person("1001", "user", "commander", "Patrol", "8001")
    assert code == 0, err
    assert "commander 8001" in out
    return {"a": log_search(db, "6001", case="25-0001"),
            "b": log_search(db, "6001", case="25-0001", minutes=3, results=900)}


def pdf_text(path: Path) -> str:
    document = QPdfDocument()
    document.load(str(path))
    text = "\n".join(document.getAllText(p).text() for p in range(document.pageCount()))
    document.close()
    return text


@pytest.mark.policy("D.2.b(2)")
def test_inspection_from_open_to_report(db: Database, searches: dict[str, int], as_person: Run,
                                        tmp_path: Path, qapp) -> None:
    code, out, err = as_person("1001", "inspection", "open", QUARTER)
    assert code == 0 and "2 searches" in out, err
    code, out, _ = as_person("7001", "inspection", "show", QUARTER, "--json")
    shown = json.loads(out)
    assert shown["inspection"]["unreviewed"] == 2
    assert shown["searches"][0]["search_id"] == searches["b"]  # more flags: large result
    assert "large_result" in shown["searches"][0]["flags"]
    assert_refused(db, refused_by_cli(as_person, "1001", "inspection", "close", QUARTER),
                   action="inspection.close", clause="D.2.b(2)", error=CliRefused,
                   match="2 of 2 searches", signed_in=True)
    code, out, err = as_person("7001", "inspection", "review", QUARTER, str(searches["a"]),
                               "compliant")
    assert code == 0, err
    code, out, err = as_person("7001", "inspection", "review", QUARTER, str(searches["b"]),
                               "out_of_compliance", "--reason", FINDING)
    assert code == 0 and "referral #" in out, err
    code, out, _ = as_person("8001", "inspection", "referrals", "--json")
    assert [r["search_id"] for r in json.loads(out)] == [searches["b"]]
    code, out, err = as_person("1001", "inspection", "device", QUARTER, "CAM-AG-01",
                               "--functioning", "no", "--up-to-date", "yes", "--note",
                               "Lens cracked; repair request 4471 sent")
    assert code == 0, err
    code, out, err = as_person("1001", "inspection", "close", QUARTER)
    assert code == 0 and "closed" in out and "audit head #" in out, err
    target = tmp_path / "inspection.pdf"
    code, out, err = as_person("1001", "inspection", "report", QUARTER, "--out", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_mode & 0o077 == 0
    text = pdf_text(target)
    for expected in ("Quarterly inspection 2025Q3", "Search review", FINDING[:30],
                     "Referral #", "Head of the audit chain", "Signatures", "CAM-AG-01",
                     "Lens cracked"):
        assert expected in text, expected
    # Cells too long for their column wrap instead of being cut short: the table's reason
    # and the device's note keep every word, the case number every character.
    words = set(text.split())
    assert set(FINDING.split()) <= words, set(FINDING.split()) - words
    assert {"Lens", "cracked;", "repair", "request", "4471", "sent"} <= words
    assert "25-0001" in words and "…" not in text


@pytest.mark.policy("D.2.b(2)")
def test_reviewing_ones_own_search_is_refused_by_the_cli(db: Database, admin, enrol,
                                                          as_person: Run) -> None:
    enrol("7001", "supervisor")
    own = log_search(db, "7001")
    assert as_person("1001", "inspection", "open", QUARTER)[0] == 0
    assert_refused(db, refused_by_cli(as_person, "7001", "inspection", "review", QUARTER,
                                      str(own), "compliant"),
                   action="inspection.review", clause="D.2.b(2)", error=CliRefused,
                   match="own search", signed_in=True)


@pytest.mark.policy("F.2.e")
def test_viewing_request_through_the_inbox_cli(db: Database, enrol, as_person: Run) -> None:
    enrol("7001", "supervisor")
    enrol("8001", "division_commander")
    code, out, err = as_person("7001", "viewing", "request", "--description",
                               "Watch the parade route for the visit")
    assert code == 0 and "VR-1" in out, err
    code, out, _ = as_person("8001", "inbox", "--json")
    assert [(i["source"], i["item_id"]) for i in json.loads(out)] == [("viewing_request", 1)]
    code, out, err = as_person("8001", "inbox", "decide", "viewing_request", "1", "approve",
                               "--reason", "For the state visit route", "--hours", "2")
    assert code == 0, err
    code, out, _ = as_person("7001", "viewing", "requests", "--json")
    assert json.loads(out)[0]["status"] == "approved"
