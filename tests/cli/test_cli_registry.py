"""`rtic-console registry`: import with a per-row report and exit 0/1/2 (H.1); look-ups
near a place refused with exit 2 and audited without a case (H.2, H.3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rtic_console.cli.main import main
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.support import PASSWORD

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "registry"


@pytest.fixture
def cli(db: Database, admin, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RTIC_PASSWORD", PASSWORD)
    url = db.url.render_as_string(hide_password=False)

    def run(badge: str, *args: str) -> int:
        return main(["--database", url, "--as", badge, "registry", *args])

    return run


@pytest.mark.policy("H.1")
def test_import_exit_codes_and_report(cli, capsys, tmp_path: Path) -> None:
    assert cli("1001", "import", str(FIXTURES / "good.csv")) == 0
    out = capsys.readouterr().out
    assert "good.csv: imported 3, duplicates 0, refused 0" in out
    assert "columns ignored: website" in out

    assert cli("1001", "import", str(FIXTURES / "broken.csv"), "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["imported"], report["duplicates"], report["refused"]) == (3, 1, 9)
    rows = {r["row"]: r for r in report["rows"]}
    assert rows[3]["status"] == "refused" and rows[3]["detail"].startswith("latitude 'abc'")
    assert rows[2]["status"] == "imported" and rows[2]["entry_id"] >= 4

    assert cli("1001", "import", str(FIXTURES / "latin1.csv")) == 2
    assert "not UTF-8 text" in capsys.readouterr().err
    assert cli("1001", "import", str(FIXTURES / "missing_column.csv")) == 2
    assert "no latitude column" in capsys.readouterr().err
    assert cli("1001", "import", str(tmp_path / "absent.csv")) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.policy("H.2")
def test_near_needs_a_case_and_prints_distances(cli, db: Database, enrol, capsys) -> None:
    assert cli("1001", "import", str(FIXTURES / "good.csv")) == 0
    capsys.readouterr()
    enrol("6301", "officer", sign=False)
    assert cli("6301", "near", "38.5770,-121.4850", "--radius", "300") == 2
    assert "name the case number (H.2, H.3)" in capsys.readouterr().err
    with db.read() as session:
        [refusal] = list_events(session, AuditFilter(action="registry.near.refused"))
    assert refusal.actor_badge == "6301" and refusal.details == {"clause": "H.2"}

    assert cli("6301", "near", "38.5770,-121.4850", "--radius", "300", "--case", "26-77",
               "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["owner_name"] for c in out["cameras"]] == ["Capitol Deli", "Midtown Hardware"]
    assert [round(c["distance_m"]) for c in out["cameras"]] == [100, 250]
    assert out["case"] == "26-77" and out["radius_m"] == 300

    assert cli("6301", "near", "38.5770,-121.4850", "--radius", "300", "--case", "26-77") == 0
    text = capsys.readouterr().out
    assert "2 registered cameras within 300 m" in text and "Capitol Deli" in text

    for bad, reason in ((["38.5770", "--radius", "300"], "is not LAT,LON"),
                        (["abc,-121.4", "--radius", "300"], "latitude 'abc' is not a number"),
                        (["38.5,-121.4", "--radius", "99999"], "radius must be"),
                        (["38.5,-121.4", "--radius", "2500"], "at most 2,000 m")):
        assert cli("6301", "near", *bad, "--case", "26-77") == 2
        assert reason in capsys.readouterr().err
    with db.read() as session:
        assert len(list_events(session, AuditFilter(action="registry.near"))) == 2
