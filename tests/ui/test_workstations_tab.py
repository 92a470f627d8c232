"""The Workstations tab: enrol the machine the console runs on, list and revoke (G.3.f)."""

from __future__ import annotations

import pytest

from rtic_console.store.database import Database
from rtic_console.store.memory_keyring import MemoryKeyring
from rtic_console.ui.admin.workstations_widget import WorkstationsWidget

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.policy("G.3.f")
def test_enrol_and_revoke_from_the_tab(qtbot, console_session, db: Database, admin,
                                       memory_keyring: MemoryKeyring) -> None:
    widget = WorkstationsWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=5000)
    assert "TEST-WS-01 (enrolled)" in widget.here.text()
    widget.enrol("RTIC-WS-02")
    qtbot.waitUntil(widget.message.isVisible, timeout=5000)
    assert "This machine is already enrolled as TEST-WS-01" in widget.message.text()
    widget.table.selectRow(0)
    assert widget.revoke_button.isEnabled()
    widget.revoke("TEST-WS-01", "moved to the EOC")
    qtbot.waitUntil(lambda: widget.model.row_at(0).status == "revoked", timeout=5000)
    widget.enrol("RTIC-WS-02")
    # The row comes with the change event, the message with the write's answer.
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2
                    and "RTIC-WS-02 enrolled" in widget.message.text(), timeout=5000)
    assert [w.name for w in widget.model.rows] == ["RTIC-WS-02", "TEST-WS-01"]
