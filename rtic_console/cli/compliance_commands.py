"""`rtic-console compliance matrix`: clause, rule, tests and outcome; untested clauses are gaps."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from rtic_console.cli.output import print_json, print_table
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.domain.clauses import CLAUSES, clause_of
from rtic_console.paths import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "build" / "policy-results.json"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    comp = sub.add_parser("compliance", help="General Order 525.08 compliance matrix")
    cmds = comp.add_subparsers(dest="compliance_command", required=True)
    matrix = cmds.add_parser("matrix", help="print clause, rule, tests and their outcome")
    matrix.add_argument("--run", action="store_true",
                        help="run the policy tests first (pytest -m policy)")
    matrix.add_argument("--results", type=Path, default=RESULTS,
                        help="the results file the test run wrote")
    matrix.add_argument("--json", action="store_true")
    matrix.set_defaults(handler=_matrix)


def build_matrix(results: dict[str, dict]) -> list[dict[str, object]]:
    tests: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for nodeid, entry in results.items():
        for clause in entry["clauses"]:
            tests[clause_of(clause)].append((nodeid, entry["outcome"]))
    rows = []
    for cid, rule in CLAUSES.items():
        outcomes = [o for _, o in tests.get(cid, [])]
        if not outcomes:
            status = "GAP"
        elif "failed" in outcomes:
            status = "FAIL"
        elif all(o == "skipped" for o in outcomes):
            status = "SKIPPED"
        else:
            status = "pass"
        rows.append({"clause": cid, "rule": rule, "tests": sorted(n for n, _ in tests[cid]),
                     "status": status})
    return rows


def _matrix(args: argparse.Namespace, cli: CliSession) -> int:
    if args.run:
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "policy"],
                       cwd=PROJECT_ROOT, check=False)
    if not args.results.exists():
        raise CliRefusal(f"no test results at {args.results}: run `make test` or add --run")
    rows = build_matrix(json.loads(args.results.read_text(encoding="utf-8")))
    if args.json:
        print_json(rows)
    else:
        print_table(["CLAUSE", "STATUS", "TESTS", "RULE"],
                    [(r["clause"], r["status"], len(r["tests"]), r["rule"]) for r in rows])
    return 1 if any(r["status"] == "FAIL" for r in rows) else 0
