"""Records which tests prove which clause, and how they ended, for `compliance matrix`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from rtic_console.domain.clauses import CLAUSES, clause_of

RESULTS_PATH = Path(os.environ.get(
    "RTIC_POLICY_RESULTS", Path(__file__).resolve().parents[1] / "build" / "policy-results.json"))
_results: dict[str, dict[str, Any]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    clauses = [m for m in report.user_properties if m[0] == "policy"]
    if not clauses:
        return
    entry = _results.setdefault(report.nodeid, {"clauses": [c[1] for c in clauses],
                                                "outcome": "passed"})
    if report.failed:
        entry["outcome"] = "failed"
    elif report.skipped and entry["outcome"] == "passed" and report.when == "setup":
        entry["outcome"] = "skipped"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers("policy"):
        if not marker.args or clause_of(str(marker.args[0])) not in CLAUSES:
            raise pytest.UsageError(
                f"{item.nodeid}: policy marker {marker.args!r} names no clause of the order")
        item.user_properties.append(("policy", str(marker.args[0])))


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _results or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    # The matrix reflects the last run exactly: a partial run shows partial coverage.
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(_results, indent=1, sort_keys=True), encoding="utf-8")
