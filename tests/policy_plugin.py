"""Records which tests prove which clause, and how they ended, for `rtic-console compliance`.

A test proves its clauses only if it ran and passed: setup, call and teardown each passed,
none was skipped (at collection, in a fixture or inside the test body) and none is an
expected failure (xfail, or xpass). Anything else is recorded as what it was.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from rtic_console.domain.clauses import clause_of, sub_clauses

DEFAULT_RESULTS = Path(__file__).resolve().parents[1] / "build" / "policy-results.json"
PHASES = ("setup", "call", "teardown")
# The first of these any phase shows is the test's outcome; "passed" needs all three.
NOT_PASSED = ("failed", "xpassed", "xfailed", "skipped")


def phase_outcome(report: pytest.TestReport) -> str:
    """passed, failed or skipped; an expected failure is xfailed, or xpassed when it passed."""
    if hasattr(report, "wasxfail"):
        return "xpassed" if report.passed else "xfailed"
    return report.outcome


def outcome_of(phases: dict[str, str]) -> str:
    """passed only when every phase ran and passed; 'incomplete' when one never reported."""
    for outcome in NOT_PASSED:
        if outcome in phases.values():
            return outcome
    return "passed" if all(phases.get(p) == "passed" for p in PHASES) else "incomplete"


class PolicyRecorder:
    """Collects each policy-marked test's phases and writes the results at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.results: dict[str, dict[str, Any]] = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            for marker in item.iter_markers("policy"):
                value = str(marker.args[0]) if marker.args else ""
                if clause_of(value) is None:
                    finer = sub_clauses(value)
                    hint = f"; name one of {', '.join(finer)}" if finer else ""
                    raise pytest.UsageError(f"{item.nodeid}: policy marker {value!r} names no "
                                            f"clause of the registry{hint}")
                item.user_properties.append(("policy", value))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        clauses = [value for name, value in report.user_properties if name == "policy"]
        if not clauses:
            return
        entry = self.results.setdefault(report.nodeid, {"clauses": clauses, "phases": {}})
        entry["phases"][report.when] = phase_outcome(report)
        entry["outcome"] = outcome_of(entry["phases"])

    def pytest_sessionfinish(self) -> None:
        if not self.results or os.environ.get("PYTEST_XDIST_WORKER"):
            return
        # The matrix reflects the last run exactly: a partial run shows partial coverage.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.results, indent=1, sort_keys=True),
                             encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "policy(clause): the test proves a rule of General "
                                       "Order 525.08 (a clause id of the registry)")
    path = Path(os.environ.get("RTIC_POLICY_RESULTS") or DEFAULT_RESULTS)
    config.pluginmanager.register(PolicyRecorder(path), "rtic_policy_recorder")
