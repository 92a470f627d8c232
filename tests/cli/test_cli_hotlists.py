"""Hot lists and hits from the terminal: import, add, approve/reject, hits list."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rtic_console.domain.reads import PlateRead
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.database import Database
from tests.cli.conftest import CliRefused, refused_by_cli
from tests.refusals import assert_refused

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


@pytest.mark.policy("E.2")
def test_truncated_file_is_refused_and_previous_list_kept(as_person, enrol, db) -> None:
    enrol("4102", "alpr_admin", sign=False)
    assert as_person("4102", "hotlist", "import", str(FIXTURES / "svs.tbl"), "--list",
                     "CA SVS")[0] == 0
    assert_refused(db, refused_by_cli(as_person, "4102", "hotlist", "import",
                                      str(FIXTURES / "slr_truncated.tbl"), "--list", "CA SVS"),
                   action="hotlist.import", clause="E.2", error=CliRefused, signed_in=True,
                   match="previous list kept: the file looks truncated")


@pytest.mark.policy("E.2")
def test_shrinking_a_list_needs_allow_shrink(as_person, enrol, db) -> None:
    enrol("4102", "alpr_admin", sign=False)
    svs, partial = str(FIXTURES / "svs.tbl"), str(FIXTURES / "svs_partial.tbl")
    assert as_person("4102", "hotlist", "import", svs, "--list", "CA SVS")[0] == 0
    assert_refused(db, refused_by_cli(as_person, "4102", "hotlist", "import", partial,
                                      "--list", "CA SVS"),
                   action="hotlist.import", clause="E.2", error=CliRefused, signed_in=True,
                   match=r"from 35 to 2 entries .* Run again with --allow-shrink to confirm\.$")
    code, out, err = as_person("4102", "hotlist", "import", partial, "--list", "CA SVS",
                               "--allow-shrink")
    assert code == 0, err
    assert "Imported 2 entries into 'CA SVS': state/NCIC list, active" in out
    assert "2 in force, 35 before; shrink from 35 confirmed" in out


@pytest.mark.policy("E.2")
def test_an_expired_file_is_refused(as_person, enrol, db) -> None:
    enrol("4102", "alpr_admin", sign=False)
    assert_refused(db, refused_by_cli(as_person, "4102", "hotlist", "import",
                                      str(FIXTURES / "expired_2020.csv"), "--list", "Old"),
                   action="hotlist.import", clause="E.2", error=CliRefused, signed_in=True,
                   match="every one of its 3 entries has expired")


@pytest.mark.policy("E.1")
@pytest.mark.policy("E.2")
@pytest.mark.policy("I.1")
def test_a_simple_list_is_special_unless_every_row_is_a_full_hot_plate(
        as_person, enrol, tmp_path: Path) -> None:
    enrol("4102", "alpr_admin", sign=False)
    code, out, err = as_person("4102", "hotlist", "import",
                               str(FIXTURES / "burglary_series.csv"), "--list", "Burglary")
    assert code == 0, err
    assert "special list, awaiting supervisor approval, hits informational" in out
    assert "special list: 2 of 3 rows lack a CLETS/NCIC counterpart (E.2)" in out
    # The same columns, every row complete and expiring within the day: acted on.
    soon = (datetime.now(UTC) + timedelta(hours=20)).isoformat()
    path = tmp_path / "patrol.csv"
    path.write_text("plate,state,reason,case,xref,ncic_system,ncic_record,expires\n"
                    f"7ABC123,CA,stolen_vehicle,26-104233,,SVS,V264118820,{soon}\n"
                    f"8KLM204,CA,felony_vehicle,,X7788120,SFR,F000323459,{soon}\n")
    code, out, err = as_person("4102", "hotlist", "import", str(path), "--list", "Patrol")
    assert code == 0, err
    assert "Imported 2 entries into 'Patrol': SPD hot plate list, active" in out


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
