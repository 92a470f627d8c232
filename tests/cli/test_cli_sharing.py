"""`rtic-console sharing request|list|review|decide`: exit 0 granted with the package in
--out, 3 refused with no file, 2 for a request that cannot be filed (C.2 to C.6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rtic_console.services.agencies import AgencyInput, add_agency
from rtic_console.services.runner import perform
from tests.cli.conftest import CliRefused, Run, refused_by_cli
from tests.refusals import assert_refused
from tests.services.test_search import WINDOW, seed_reads

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

SPAN = ("--from", WINDOW["time_from"].isoformat(), "--to", WINDOW["time_to"].isoformat())


@pytest.fixture
def out(db, admin, tmp_path: Path) -> Path:
    perform(db, admin, add_agency, AgencyInput("CA0340100", "Elk Grove PD", "CA", "local",
                                               learn_partner=True))
    perform(db, admin, add_agency, AgencyInput("DCFBIWA00", "FBI", "DC", "federal",
                                               learn_partner=True))
    seed_reads(db)
    folder = tmp_path / "packages"
    folder.mkdir()
    return folder


@pytest.mark.policy("C.2")
def test_granted_writes_the_package_and_exits_0(db, as_person: Run, out: Path) -> None:
    code, stdout, _ = as_person("1001", "sharing", "request", "--agency", "CA0340100",
                                "--purpose", "carjacking suspect", "--plates", "7ABC123",
                                *SPAN, "--out", str(out), "--requester", "Det. Alvarez",
                                "--json")
    view = json.loads(stdout)
    assert code == 0 and view["decision"] == "granted" and view["clause"] == "C.2"
    assert (Path(view["package_path"]) / "reads.csv").exists()
    code, stdout, _ = as_person("1001", "sharing", "list")
    assert code == 0 and "granted" in stdout and "CA0340100" in stdout


@pytest.mark.policy("C.5")
def test_refused_prints_the_clause_and_exits_3(db, as_person: Run, out: Path) -> None:
    code, stdout, _ = as_person("1001", "sharing", "request", "--agency", "CA0340100",
                                "--purpose", "Assist H.S.I. with a deportation", "--plates",
                                "7ABC123", *SPAN, "--out", str(out))
    assert code == 3 and "REFUSED under C.5" in stdout
    assert list(out.iterdir()) == []
    code, stdout, _ = as_person("1001", "sharing", "review", "1", "--note",
                                "County counsel asked to look at this one")
    assert code == 0 and "legal review pending" in stdout


@pytest.mark.policy("C.2")
def test_an_unknown_agency_is_refused_with_exit_2(db, as_person: Run, out: Path) -> None:
    assert_refused(db, refused_by_cli(as_person, "1001", "sharing", "request", "--agency",
                                      "CA0000000", "--purpose", "robbery", "--plates",
                                      "7ABC123", *SPAN, "--out", str(out)),
                   action="sharing.request", clause="C.2", signed_in=True, error=CliRefused)
    assert list(out.iterdir()) == []


@pytest.mark.policy("C.3")
def test_wildcard_plates_are_refused_with_exit_2(db, as_person: Run, out: Path) -> None:
    assert_refused(db, refused_by_cli(as_person, "1001", "sharing", "request", "--agency",
                                      "CA0340100", "--purpose", "robbery", "--plates",
                                      "7ABC*", *SPAN, "--out", str(out)),
                   action="sharing.request", clause="C.3", signed_in=True, error=CliRefused)


@pytest.mark.policy("I.2.b")
def test_a_special_entry_leaves_only_after_approval(db, admin, enrol, as_person: Run,
                                                    out: Path) -> None:
    from rtic_console.services import hotlists
    from tests.services.test_hot_plates import GOOD

    officer = enrol("6301", "officer")
    special = hotlists.HotPlateInput(**{**GOOD.__dict__, "ncic_system": None,
                                        "ncic_record": None, "reason": "other"})
    entry = perform(db, officer, hotlists.propose_special, special)
    perform(db, enrol("8501", "supervisor"), hotlists.decide_special, entry.id, True, "ok")
    code, stdout, _ = as_person("6301", "sharing", "special", "request", str(entry.id),
                                "--agency", "CA0340100", "--reason",
                                "Their burglary series crosses into Elk Grove")
    assert code == 0 and "waits for a division commander" in stdout
    assert_refused(db, refused_by_cli(as_person, "6301", "sharing", "special", "release", "1",
                                      "--out", str(out)),
                   action="hotlist.special.share.release", clause="I.2.b", signed_in=True,
                   error=CliRefused)
    assert list(out.iterdir()) == []
    enrol("9001", "division_commander")
    code, stdout, _ = as_person("9001", "sharing", "special", "decide", "1", "--approve",
                                "--reason", "Joint burglary investigation")
    assert code == 0 and "approved" in stdout
    code, stdout, _ = as_person("6301", "sharing", "special", "release", "1", "--out",
                                str(out))
    assert code == 0 and [p.name for p in out.iterdir()] == ["special-share-1-CA0340100.json"]
