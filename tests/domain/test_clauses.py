"""Policy markers map onto the clause registry the compliance matrix prints."""

from __future__ import annotations

import re

import pytest

from rtic_console.domain.clauses import CLAUSES, clause_of, sub_clauses


@pytest.mark.parametrize("marker,clause", [
    ("A.3", "A.3"), ("G.3.c", "G.3.c"), ("G.3.g", "G.3.g"), ("C.4", "C.4"), ("C.6", "C.6"),
    ("H.2", "H.2"), ("H.3", "H.3"), ("D.5.b", "D.5.b"), ("D.6.a", "D.6.a"),
    ("D.2.b(2)", "D.2.b(2)"), ("D.2.b(2)(a)", "D.2.b(2)"), ("D.1.b", "D.1"),
    ("C.2.a", "C.2.a"), ("AUDIT", "AUDIT"),
])
def test_marker_resolves_to_registry(marker: str, clause: str) -> None:
    assert clause_of(marker) == clause


@pytest.mark.parametrize("lumped", ["G.3", "D.3", "D.2.b", "C.3-C.6", "H.2-H.3", "Z.9", ""])
def test_a_lumped_or_unknown_marker_names_no_clause(lumped: str) -> None:
    """A clause whose sub-clauses are listed is proven sub-clause by sub-clause."""
    assert clause_of(lumped) is None


def test_sub_clauses_are_listed_separately() -> None:
    assert sub_clauses("G.3") == [f"G.3.{c}" for c in "abcdefg"]
    assert sub_clauses("D.2.b") == ["D.2.b(1)", "D.2.b(2)"]
    assert sub_clauses("D.3") == ["D.3.b", "D.3.c", "D.3.d", "D.3.e"]
    assert {"C.3", "C.4", "C.5", "C.6", "H.2", "H.3"} <= CLAUSES.keys()
    assert not any("-" in cid for cid in CLAUSES), "no ranges: each clause stands alone"


def test_registry_ids_are_the_orders_and_described() -> None:
    # The order's own ids, and two rules POLICY.md reads across it: the audit trail and
    # separation of duties.
    shape = re.compile(r"[A-K]\.\d+(\.[a-z])?(\(\d\))?|AUDIT|SOD")
    assert all(shape.fullmatch(cid) for cid in CLAUSES)
    assert all(rule.strip() for rule in CLAUSES.values())
