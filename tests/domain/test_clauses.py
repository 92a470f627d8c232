"""Policy markers map onto the clause registry the compliance matrix prints."""

from __future__ import annotations

import pytest

from rtic_console.domain.clauses import CLAUSES, clause_of


@pytest.mark.parametrize("marker,clause", [
    ("A.3", "A.3"), ("G.3.c", "G.3"), ("G.3.g", "G.3"), ("C.4", "C.3-C.6"), ("C.6", "C.3-C.6"),
    ("H.2", "H.2-H.3"), ("D.5.b", "D.5.b"), ("D.2.b(2)", "D.2.b"), ("AUDIT", "AUDIT"),
])
def test_marker_resolves_to_registry(marker: str, clause: str) -> None:
    assert clause_of(marker) == clause


def test_registry_ids_are_unique_and_described() -> None:
    assert all(rule.strip() for rule in CLAUSES.values())
