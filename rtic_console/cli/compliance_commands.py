"""`rtic-console compliance`: clause, rule, proving tests and status, from the last test run.

A clause passes only when a test marked with it ran and passed (the test plugin records
skips and expected failures as what they are) and none failed. `--strict` exits 1 unless
every clause passes; `--markdown` writes the matrix as docs/COMPLIANCE.md, `--data` its
committed data and `--guide` the user guide's policy chapter (compliance_docs).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from rtic_console.cli.compliance_docs import (
    FAIL,
    GAP,
    PASS,
    UNPROVEN,
    dump_summary,
    render_markdown,
    summarize,
    write_policy_chapter,
)
from rtic_console.cli.output import print_json, print_table
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.domain.clauses import CLAUSES, clause_of
from rtic_console.paths import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "build" / "policy-results.json"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    comp = sub.add_parser("compliance", help="General Order 525.08 compliance matrix")
    _options(comp, argparse.SUPPRESS)
    comp.set_defaults(handler=_matrix, run=False, results=RESULTS, json=False, markdown=None,
                      strict=False, data=None, guide=None, from_data=None)
    cmds = comp.add_subparsers(dest="compliance_command")
    # The name of the first version, kept working.
    _options(cmds.add_parser("matrix", help="the same as `compliance`"), argparse.SUPPRESS)


def _options(parser: argparse.ArgumentParser, default: Any) -> None:
    """Defaults are suppressed here so that an option given before `matrix` survives it."""
    parser.add_argument("--run", action="store_true", default=default,
                        help="run the policy tests first (pytest -m policy)")
    parser.add_argument("--results", type=Path, default=default,
                        help="the results file the test run wrote")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", default=default)
    out.add_argument("--markdown", type=Path, metavar="FILE", default=default,
                     help="write the matrix as Markdown (docs/COMPLIANCE.md)")
    parser.add_argument("--data", type=Path, metavar="FILE", default=default,
                        help="also write the matrix's data (docs/compliance-matrix.json)")
    parser.add_argument("--guide", type=Path, metavar="FILE", default=default,
                        help="also rewrite the policy chapter of the user guide (between its "
                        "policy-chapter markers)")
    parser.add_argument("--from-data", type=Path, metavar="FILE", default=default,
                        help="take the matrix from committed data instead of test results")
    parser.add_argument("--strict", action="store_true", default=default,
                        help="exit 1 on any gap, unproven clause or failure, not only failures")


def build_matrix(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per registered clause: its tests with their outcomes, and its status."""
    tests: dict[str, list[dict[str, str]]] = defaultdict(list)
    for nodeid, entry in sorted(results.items()):
        for cid in {clause_of(value) for value in entry["clauses"]}:
            if cid is not None:
                tests[cid].append({"test": nodeid, "outcome": entry.get("outcome", "incomplete")})
    rows = []
    for cid, rule in CLAUSES.items():
        outcomes = [t["outcome"] for t in tests[cid]]
        if not outcomes:
            status = GAP
        elif "failed" in outcomes:
            status = FAIL
        elif "passed" in outcomes:
            status = PASS
        else:
            status = UNPROVEN
        rows.append({"clause": cid, "rule": rule, "status": status,
                     "passed": outcomes.count("passed"), "tests": tests[cid]})
    return rows


def _matrix(args: argparse.Namespace, cli: CliSession) -> int:
    rows: list[dict[str, Any]] | None = None
    if args.from_data:
        summary = json.loads(args.from_data.read_text(encoding="utf-8"))
    else:
        if args.run:
            subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "policy"],
                           cwd=PROJECT_ROOT, check=False)
        if not args.results.exists():
            raise CliRefusal(f"no test results at {args.results}: run `make test` or add --run")
        rows = build_matrix(json.loads(args.results.read_text(encoding="utf-8")))
        summary = summarize(rows)
    if args.json:
        print_json(rows if rows is not None else summary)
    elif args.markdown:
        _write(args.markdown, render_markdown(summary))
    elif not (args.data or args.guide):
        print_table(["CLAUSE", "STATUS", "PASSED", "TESTS", "RULE"],
                    [(r["clause"], r["status"], r["passed"], r["runs"], r["rule"])
                     for r in summary])
    if args.data:
        _write(args.data, dump_summary(summary))
    if args.guide:
        try:
            chapter = write_policy_chapter(summary, args.guide.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CliRefusal(f"cannot write the policy chapter into {args.guide}: {exc}") from None
        _write(args.guide, chapter)
    if args.strict:
        return 0 if all(r["status"] == PASS for r in summary) else 1
    return 1 if any(r["status"] == FAIL for r in summary) else 0


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
