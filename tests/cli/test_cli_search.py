"""`rtic-console search`: refused with exit 2 without purpose or case (D.1); JSON results."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from rtic_console.cli.main import main
from rtic_console.domain.reads import PlateRead
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.database import Database
from tests.support import PASSWORD

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.policy("D.1")
def test_search_from_the_terminal(db: Database, enrol, monkeypatch, capsys) -> None:
    enrol("6301", "officer", sign=False)
    monkeypatch.setenv("RTIC_PASSWORD", PASSWORD)
    with db.write() as session:
        ingest_reads(session, [PlateRead(
            source="csv", source_id="c1", plate="7ABC123", plate_raw="7ABC123", state="CA",
            confidence=0.9, captured_at=datetime.now(UTC), device_ref="R1",
            latitude=38.577, longitude=-121.485)], MatchingEngine(), datetime.now(UTC), "t")
    url = db.url.render_as_string(hide_password=False)
    base = ["--database", url, "--as", "6301", "search", "--plate", "7ABC123"]
    assert main(base) == 2
    assert "--purpose" in capsys.readouterr().err
    assert main([*base, "--purpose", "stolen_vehicle_or_plate", "--case", "26-1",
                 "--near", "38.577,-121.485", "--radius", "200", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["plate"] for r in out["reads"]] == ["7ABC123"] and out["search_id"] >= 1
