"""Hot lists and hits from the terminal: import, add, approve/reject, hits list."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rtic_console.domain.reads import PlateRead
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.database import Database

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hotlists"


def test_import_add_and_list(as_person, enrol, db: Database) -> None:
    enrol("4102", "alpr_admin", "officer", sign=False)
    code, out, err = as_person("4102", "hotlist", "import", str(FIXTURES / "svs.tbl"),
                               "--list", "CA SVS")
    assert code == 0, err
    assert "Imported" in out
    code, out, err = as_person("4102", "hotlist", "add", "7abc-123", "--state", "ca",
                               "--reason", "stolen_vehicle", "--case", "26-77",
                               "--ncic-system", "SVS", "--ncic-record", "V99",
                               "--expires-in", "8")
    assert code == 0, err
    assert "7ABC123 CA active" in out


@pytest.mark.policy("E.2")
def test_add_refused_without_counterpart(as_person, enrol) -> None:
    enrol("6301", "officer", sign=False)
    code, _, err = as_person("6301", "hotlist", "add", "7ABC123", "--state", "CA",
                             "--reason", "stolen_vehicle", "--case", "26-77")
    assert code == 2 and "SVS, SLR, SFR or MUPS" in err and err.count("\n") == 1


def test_truncated_file_is_refused_and_previous_list_kept(as_person, enrol) -> None:
    enrol("4102", "alpr_admin", sign=False)
    assert as_person("4102", "hotlist", "import", str(FIXTURES / "svs.tbl"), "--list",
                     "CA SVS")[0] == 0
    code, _, err = as_person("4102", "hotlist", "import", str(FIXTURES / "slr_truncated.tbl"),
                             "--list", "CA SVS")
    assert code == 2 and "previous list kept" in err


@pytest.mark.policy("I.1")
def test_special_approve_reject_and_hits_list(as_person, enrol, db: Database) -> None:
    enrol("6301", "officer", sign=False)
    enrol("8501", "supervisor", sign=False)
    enrol("5201", "dispatcher", sign=False)
    code, out, _ = as_person("6301", "hotlist", "add", "5SPC555", "--state", "CA",
                             "--reason", "other", "--case", "26-3", "--special")
    assert code == 0 and "awaiting supervisor approval" in out
    entry_id = out.split()[1].rstrip(":")
    code, _, err = as_person("6301", "hotlist", "approve", entry_id)
    assert code == 2 and "Only Supervisor" in err
    assert as_person("8501", "hotlist", "approve", entry_id)[0] == 0

    engine = MatchingEngine()
    with db.read() as session:
        engine.load(session)
    with db.write() as session:
        ingest_reads(session, [PlateRead(
            source="openalpr", source_id="x1", plate="5SPC555", plate_raw="5SPC555",
            state="CA", confidence=0.9, captured_at=datetime.now(UTC), device_ref="R1")],
            engine, datetime.now(UTC), "test")
    code, out, _ = as_person("5201", "hits", "list", "--json")
    hits = json.loads(out)
    assert len(hits) == 1
    hit = hits[0]
    for key in ("id", "read_plate", "listed_plate", "match_kind", "substitutions",
                "read_state", "reason", "list_name", "status", "created_at"):
        assert key in hit
    assert hit["informational"] is True and hit["match_kind"] == "exact"
    code, _, err = as_person("5201", "hits", "list", "--status", "bogus")
    assert code == 2 and "unknown hit status" in err
