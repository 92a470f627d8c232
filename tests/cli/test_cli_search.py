"""`rtic-console search`: refused with exit 2, and audited, without purpose or case (D.1);
canvass by a rectangle narrowed by devices; shape searches (F.3); other-use requests (D.1.c);
CSV export."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rtic_console.cli.main import main
from rtic_console.domain.reads import PlateRead
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.services.test_search import seed_reads
from tests.support import PASSWORD

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def cli(db: Database, badge: str, *args: str) -> int:
    return main(["--database", db.url.render_as_string(hide_password=False), "--as", badge,
                 "search", *args])


@pytest.fixture
def terminal(db: Database, enrol, monkeypatch) -> Database:
    for badge, role in (("6301", "officer"), ("7101", "supervisor")):
        enrol(badge, role, sign=False)
    monkeypatch.setenv("RTIC_PASSWORD", PASSWORD)
    return db


@pytest.mark.policy("D.1")
def test_search_from_the_terminal(terminal: Database, capsys) -> None:
    with terminal.write() as session:
        ingest_reads(session, [PlateRead(
            source="csv", source_id="c1", plate="7ABC123", plate_raw="7ABC123", state="CA",
            confidence=0.9, captured_at=datetime.now(UTC), device_ref="R1",
            latitude=38.577, longitude=-121.485)], MatchingEngine(), datetime.now(UTC), "t")
    base = ["--plate", "7ABC123"]
    for args, words in ((base, "states one approved purpose (D.1)"),
                        ([*base, "--purpose", "stolen_vehicle_or_plate"],
                         "names the case number it is for (D.1)")):
        assert cli(terminal, "6301", *args) == 2
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1, err
    with terminal.read() as session:
        refused = list_events(session, AuditFilter(action="search.run.refused"))
    assert [(e.actor_badge, e.details["clause"]) for e in refused] == [("6301", "D.1")] * 2
    assert cli(terminal, "6301", *base, "--purpose", "stolen_vehicle_or_plate", "--case",
               "26-1", "--near", "38.577,-121.485", "--radius", "200", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["plate"] for r in out["reads"]] == ["7ABC123"] and out["search_id"] >= 1


def test_canvass_by_rectangle_and_device_with_csv(terminal: Database, capsys,
                                                  tmp_path: Path) -> None:
    seed_reads(terminal)
    now = datetime.now(UTC)
    window = ["--from", (now - timedelta(hours=2)).isoformat(), "--to", now.isoformat()]
    target = tmp_path / "canvass.csv"
    assert cli(terminal, "6301", "--bbox", "38.49,-121.48,38.50,-121.46", "--device",
               "ALPR-SO-01", *window, "--purpose", "crime_scene_canvass", "--case", "26-2",
               "--csv", str(target)) == 2
    assert "names its recipient" in capsys.readouterr().err and not target.exists()
    assert cli(terminal, "6301", "--bbox", "38.49,-121.48,38.50,-121.46", "--device",
               "ALPR-SO-01", *window, "--purpose", "crime_scene_canvass", "--case", "26-2",
               "--csv", str(target), "--recipient", "spd") == 0
    out = capsys.readouterr().out
    assert "canvass search #2 logged" in out and "exported 2 rows" in out
    assert hashlib.sha256(target.read_bytes()).hexdigest() in out
    assert {r["plate"] for r in csv.DictReader(target.open())} == {"7ABC999", "4XYZ001"}
    assert cli(terminal, "6301", "--device", "ALPR-SO-01", *window, "--purpose",
               "crime_scene_canvass", "--case", "26-2") == 2
    assert "area: " in capsys.readouterr().err  # devices narrow a place (D.1.b), never replace it
    assert cli(terminal, "6301", "--bbox", "38.49,-121.48", *window, "--purpose",
               "crime_scene_canvass", "--case", "26-2") == 2
    assert "S,W,N,E" in capsys.readouterr().err
    assert cli(terminal, "6301", "--near", "38.4957,-121.4693", "--radius", "300",
               "--from", "yesterday", "--purpose", "crime_scene_canvass", "--case", "26-2") == 2
    assert "--from 'yesterday'" in capsys.readouterr().err


@pytest.mark.policy("F.3")
def test_shape_search_needs_incident_and_description(terminal: Database, capsys) -> None:
    seed_reads(terminal)
    now = datetime.now(UTC)
    shape = ["--color", "red", "--body", "sedan", "--from",
             (now - timedelta(hours=2)).isoformat(), "--to", now.isoformat(), "--purpose",
             "wanted_or_missing", "--case", "26-3"]
    assert cli(terminal, "6301", *shape) == 2
    assert "F.3" in capsys.readouterr().err
    assert cli(terminal, "6301", *shape, "--incident", "26-004417", "--description",
               "Red sedan, two occupants, northbound on J St", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "shape" and {r["plate"] for r in out["reads"]} == {"7ABC123",
                                                                              "7A8C123"}


@pytest.mark.policy("D.1")
def test_other_use_request_approval_and_search(terminal: Database, capsys) -> None:
    seed_reads(terminal)
    assert cli(terminal, "6301", "request", "--case", "26-7001", "--use",
               "Travel pattern of a fraud suspect's car for a warrant", "--json") == 0
    request_id = json.loads(capsys.readouterr().out)["id"]
    run = ["--plate", "7ABC123", "--purpose", "other_use", "--case", "26-7001", "--request",
           str(request_id)]
    assert cli(terminal, "6301", *run) == 2
    assert "not been approved yet" in capsys.readouterr().err
    assert cli(terminal, "6301", "approve", str(request_id), "--note", "fine") == 2
    assert "Only ALPR administrator, Supervisor" in capsys.readouterr().err
    assert cli(terminal, "7101", "requests", "--pending") == 0
    assert "26-7001" in capsys.readouterr().out
    assert cli(terminal, "7101", "approve", str(request_id), "--note",
               "Reviewed; documented in the case file") == 0
    assert f"request #{request_id} approved, usable for case 26-7001" in capsys.readouterr().out
    assert cli(terminal, "6301", *run) == 0
    assert "1 read; plate search" in capsys.readouterr().out
    with terminal.read() as session:
        assert list_events(session, AuditFilter(action="search.request.approve"))
