"""`rtic-console agency add|list|import`: the directory from the command line (C.2 to C.4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import CliRefused, Run, refused_by_cli
from tests.refusals import assert_refused

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "agencies"


@pytest.mark.policy("C.2")
def test_add_list_import(db, admin, as_person: Run) -> None:
    code, out, _ = as_person("1001", "agency", "add", "CA0340100", "--name", "Elk Grove PD",
                             "--state", "CA", "--type", "local", "--learn-partner")
    assert code == 0 and "CA0340100" in out
    code, out, _ = as_person("1001", "agency", "add", "CA0349000", "--name", "County DMV",
                             "--state", "CA", "--type", "other", "--json")
    assert code == 0 and json.loads(out)["law_enforcement"] is False
    code, out, _ = as_person("1001", "agency", "list", "--json")
    listed = {a["ori"]: a for a in json.loads(out)}
    assert listed["CA0340100"]["learn_partner"] is True
    assert listed["CA0340100"]["law_enforcement"] is True
    code, out, _ = as_person("1001", "agency", "import", str(FIXTURES / "agencies.csv"),
                             "--json")
    report = json.loads(out)
    assert code == 1 and report["refused"] == 4 and report["added"] == 4
    code, out, _ = as_person("1001", "agency", "list")
    assert code == 0 and "Washoe" in out and "agencies" in out.splitlines()[-1]


@pytest.mark.policy("C.4")
def test_add_without_a_known_state_is_refused(db, admin, as_person: Run) -> None:
    assert_refused(db, refused_by_cli(as_person, "1001", "agency", "add", "CA0340100",
                                      "--name", "Elk Grove PD", "--state", " ", "--type",
                                      "local"),
                   action="agency.add", clause="C.4", signed_in=True, error=CliRefused)
