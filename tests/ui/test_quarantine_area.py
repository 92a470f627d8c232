"""Administrators see what could not be parsed, with its reason (nothing silently lost)."""

from __future__ import annotations

import pytest

from rtic_console.services.ingest import quarantine
from rtic_console.store.database import Database
from rtic_console.ui.admin.quarantine_widget import QuarantineWidget

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_quarantined_payload_appears_live(qtbot, console_session, db: Database, admin) -> None:
    widget = QuarantineWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.show()
    with db.write() as session:
        quarantine(session, "webhook:/alpr", "application/json",
                   "not JSON: Expecting value at line 1", b"\xef\xbb\xbf{oops" + bytes(range(20)))
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=5000)
    assert "not JSON" in widget.model.index(0, 3).data()
    assert "oops" in widget.model.index(0, 5).data()
