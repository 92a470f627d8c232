"""`rtic-console compliance`: the matrix as a table, JSON and Markdown; --strict for CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rtic_console.cli.main import main
from rtic_console.domain.clauses import CLAUSES


def results(tmp_path: Path, **outcomes: str) -> Path:
    """A results file with one test per clause given, ending as given."""
    path = tmp_path / "policy-results.json"
    path.write_text(json.dumps({
        f"tests/test_x.py::test_{cid.replace('.', '_')}[sqlite]": {
            "clauses": [cid.replace("_", ".")], "outcome": outcome}
        for cid, outcome in outcomes.items()}), encoding="utf-8")
    return path


def every_clause_passing(tmp_path: Path) -> Path:
    path = tmp_path / "all.json"
    path.write_text(json.dumps({f"tests/test_x.py::test_{i}": {"clauses": [cid],
                                                               "outcome": "passed"}
                                for i, cid in enumerate(CLAUSES)}), encoding="utf-8")
    return path


def test_json_lists_each_clause_with_its_tests_and_status(tmp_path: Path, capsys) -> None:
    path = results(tmp_path, A_2="passed", A_3="skipped", E_1="failed")
    assert main(["compliance", "--results", str(path), "--json"]) == 1, "a failure"
    rows = {r["clause"]: r for r in json.loads(capsys.readouterr().out)}
    assert list(rows) == list(CLAUSES)
    assert rows["A.2"]["status"] == "pass" and rows["A.2"]["passed"] == 1
    assert rows["A.2"]["tests"] == [{"test": "tests/test_x.py::test_A_2[sqlite]",
                                     "outcome": "passed"}]
    assert rows["A.3"]["status"] == "UNPROVEN", "a skipped test proves nothing"
    assert rows["E.1"]["status"] == "FAIL"
    assert rows["B.2"] == {"clause": "B.2", "rule": CLAUSES["B.2"], "status": "GAP",
                           "passed": 0, "tests": []}


def test_strict_exits_1_on_any_gap_and_0_when_every_clause_passes(tmp_path: Path,
                                                                   capsys) -> None:
    gaps = results(tmp_path, A_2="passed")
    assert main(["compliance", "--results", str(gaps)]) == 0, "gaps are not failures"
    assert main(["compliance", "--results", str(gaps), "--strict"]) == 1
    unproven = results(tmp_path, A_2="xfailed")
    assert main(["compliance", "--results", str(unproven), "--strict"]) == 1
    assert main(["compliance", "--results", str(every_clause_passing(tmp_path)),
                 "--strict"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == ["CLAUSE", "STATUS", "PASSED", "TESTS", "RULE"]


@pytest.mark.parametrize("argv", [["compliance", "matrix", "--strict"],
                                  ["compliance", "--strict", "matrix"]])
def test_matrix_is_an_alias_and_keeps_options_on_either_side(tmp_path: Path, capsys,
                                                             argv: list[str]) -> None:
    path = results(tmp_path, A_2="passed")
    assert main([*argv, "--results", str(path)]) == 1
    assert "GAP" in capsys.readouterr().out


def test_markdown_writes_the_compliance_document(tmp_path: Path, capsys) -> None:
    path = results(tmp_path, A_2="passed", A_3="skipped")
    doc = tmp_path / "COMPLIANCE.md"
    assert main(["compliance", "--results", str(path), "--markdown", str(doc)]) == 0
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# General Order 525.08: compliance matrix")
    assert f"1 of {len(CLAUSES)} clauses pass" in text
    assert f"| A.2 | pass | 1 of 1 | {CLAUSES['A.2']} |" in text
    assert f"| A.3 | UNPROVEN | 0 of 1 | {CLAUSES['A.3']} |" in text
    assert "- `tests/test_x.py::test_A_2` (1 passed)" in text
    assert "No test proves this clause yet." in text


def test_no_results_is_a_clear_refusal(tmp_path: Path, capsys) -> None:
    assert main(["compliance", "--results", str(tmp_path / "none.json")]) == 2
    assert "run `make test`" in capsys.readouterr().err


GUIDE = ("# Guide\n\n## Dispatchers: the hit queue (D.4, D.5, D.6)\n\n"
         "<!-- policy-chapter:begin -->\nSTALE CHAPTER\n<!-- policy-chapter:end -->\n\nafter\n")


def test_one_run_writes_the_matrix_its_data_and_the_guides_chapter(tmp_path: Path,
                                                                   capsys) -> None:
    path = results(tmp_path, D_4="passed", A_3="skipped")
    doc, data, guide = tmp_path / "COMPLIANCE.md", tmp_path / "m.json", tmp_path / "G.md"
    guide.write_text(GUIDE, encoding="utf-8")
    assert main(["compliance", "--results", str(path), "--markdown", str(doc),
                 "--data", str(data), "--guide", str(guide)]) == 0
    written = guide.read_text(encoding="utf-8")
    assert "STALE CHAPTER" not in written
    assert written.endswith("<!-- policy-chapter:end -->\n\nafter\n")
    assert ("| D.4 | " + CLAUSES["D.4"] + " | enforced (1 of 1 test runs passed) | "
            "[Dispatchers: the hit queue (D.4, D.5, D.6)](#dispatchers-the-hit-queue-d4-d5-d6)"
            " | `test_x.py` (1) |") in written
    assert "| B.1 | " + CLAUSES["B.1"] + " | **GAP**: no test proves it yet | — | — |" in written
    assert "| A.3 | " + CLAUSES["A.3"] + " | **UNPROVEN** (0 of 1 test runs passed)" in written
    # The committed data alone makes the same chapter and the same COMPLIANCE.md.
    again = tmp_path / "again.md"
    again.write_text(GUIDE, encoding="utf-8")
    assert main(["compliance", "--from-data", str(data), "--guide", str(again),
                 "--markdown", str(tmp_path / "again-COMPLIANCE.md")]) == 0
    assert again.read_text(encoding="utf-8") == written
    assert (tmp_path / "again-COMPLIANCE.md").read_text(encoding="utf-8") == doc.read_text(
        encoding="utf-8")


def test_a_guide_without_the_chapters_markers_is_refused(tmp_path: Path, capsys) -> None:
    path = results(tmp_path, D_4="passed")
    guide = tmp_path / "G.md"
    guide.write_text("# Guide\n", encoding="utf-8")
    assert main(["compliance", "--results", str(path), "--guide", str(guide)]) == 2
    assert "policy-chapter:begin" in capsys.readouterr().err
    assert guide.read_text(encoding="utf-8") == "# Guide\n"
