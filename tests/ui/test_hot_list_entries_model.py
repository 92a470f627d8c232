"""The hot list table says what an entry's CLETS/NCIC counterpart is, and nothing it lacks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from rtic_console.services.hotlists import EntryView, ListKind
from rtic_console.ui.hotlists.entry_model import EntryTableModel

ENTRY = EntryView(
    id=1, list_name="CA DOJ SVS", list_kind=ListKind("state_ncic"), plate="7ABC123",
    state="CA", reason="stolen_vehicle", priority=2, case_number=None, xref=None,
    ncic_system="SVS", ncic_record=None, narrative=None, status="active", entered_by="4101",
    entered_at=datetime.now(UTC), effective_at=None, expires_at=None, decided_by=None,
    decision_reason=None)


@pytest.mark.parametrize(("system", "record", "shown"), [
    ("SVS", None, "SVS"),  # a state file: its system, no record number
    ("SVS", "V264118820", "SVS V264118820"),
    (None, None, "—"),
])
def test_the_clets_ncic_column(system: str | None, record: str | None, shown: str) -> None:
    model = EntryTableModel(newest_first=True)
    entry = replace(ENTRY, ncic_system=system, ncic_record=record)
    column = EntryTableModel.COLUMNS.index("CLETS/NCIC")
    assert model.cell(entry, column, Qt.ItemDataRole.DisplayRole) == shown
