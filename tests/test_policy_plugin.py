"""The compliance matrix counts a clause as proven only by a test that ran and passed.

Each test here runs a small pytest session in a subprocess with the plugin loaded, then
reads the results file it wrote, as `rtic-console compliance` does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rtic_console.cli.compliance_commands import build_matrix

PROJECT = Path(__file__).resolve().parents[1]

# One clause per way a test can end, so the matrix shows each on its own.
SESSION = '''
import pytest

@pytest.fixture
def fails_in_teardown():
    yield
    raise RuntimeError("teardown fails")

@pytest.fixture
def skips_in_setup():
    pytest.skip("no device here")

@pytest.mark.policy("A.2")
def test_passes():
    assert True

@pytest.mark.policy("A.3")
def test_skips_in_body():
    pytest.skip("not today")

@pytest.mark.policy("B.1")
@pytest.mark.xfail(reason="known defect")
def test_xfails():
    assert False

@pytest.mark.policy("B.2")
@pytest.mark.xfail(reason="flaky")
def test_xpasses():
    assert True

@pytest.mark.policy("C.1")
def test_xfails_in_body():
    pytest.xfail("declared inside the test")

@pytest.mark.policy("C.2")
@pytest.mark.skip(reason="skipped before it runs")
def test_skipped_by_marker():
    assert True

@pytest.mark.policy("C.3")
def test_fails_in_teardown(fails_in_teardown):
    assert True

@pytest.mark.policy("C.4")
def test_fixture_skips(skips_in_setup):
    assert True

@pytest.mark.policy("C.5")
def test_fails():
    assert False

@pytest.mark.policy("C.6")
def test_skips_in_body_but_a_sibling_passes():
    pytest.skip("this one does not count")

@pytest.mark.policy("C.6")
def test_sibling_passes():
    assert True
'''


def run_session(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                source: str) -> tuple[pytest.RunResult, Path]:
    results = pytester.path / "policy-results.json"
    monkeypatch.setenv("RTIC_POLICY_RESULTS", str(results))
    monkeypatch.setenv("PYTHONPATH", str(PROJECT))
    pytester.makepyfile(test_session=source)
    return pytester.runpytest_subprocess("-p", "tests.policy_plugin", "-p", "no:cacheprovider"), \
        results


def test_only_a_test_that_ran_and_passed_counts(pytester: pytest.Pytester,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    run, path = run_session(pytester, monkeypatch, SESSION)
    # A teardown error is counted by pytest as a pass and an error; the plugin sees a failure.
    run.assert_outcomes(passed=3, skipped=4, xfailed=2, xpassed=1, failed=1, errors=1)
    outcomes = {nodeid.split("::")[1]: entry["outcome"]
                for nodeid, entry in json.loads(path.read_text()).items()}
    assert outcomes == {
        "test_passes": "passed",
        "test_skips_in_body": "skipped",
        "test_xfails": "xfailed",
        "test_xpasses": "xpassed",
        "test_xfails_in_body": "xfailed",
        "test_skipped_by_marker": "skipped",
        "test_fails_in_teardown": "failed",
        "test_fixture_skips": "skipped",
        "test_fails": "failed",
        "test_skips_in_body_but_a_sibling_passes": "skipped",
        "test_sibling_passes": "passed",
    }
    status = {r["clause"]: (r["status"], r["passed"], len(r["tests"]))
              for r in build_matrix(json.loads(path.read_text()))}
    assert status["A.2"] == ("pass", 1, 1)
    for unproven in ("A.3", "B.1", "B.2", "C.1", "C.2", "C.4"):
        assert status[unproven] == ("UNPROVEN", 0, 1), unproven
    assert status["C.3"][0] == status["C.5"][0] == "FAIL"
    assert status["C.6"] == ("pass", 1, 2)
    assert status["D.1"] == ("GAP", 0, 0)


def test_a_marker_that_names_no_registered_clause_stops_the_run(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    run, path = run_session(pytester, monkeypatch, '''
import pytest

@pytest.mark.policy("G.3")
def test_lumped():
    assert True
''')
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    run.stderr.fnmatch_lines(["*policy marker 'G.3' names no clause of the registry; name one "
                              "of G.3.a, G.3.b, G.3.c, G.3.d, G.3.e, G.3.f, G.3.g*"])
    assert not path.exists()
