"""The audit screen's Verify chain button checks the signed checkpoints too."""

from __future__ import annotations

import pytest

from rtic_console.services.audit_anchor import write_checkpoint
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.ui.audit_viewer import AuditViewerWidget
from tests.support import truncate_trail

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.policy("AUDIT")
def test_verify_reports_the_anchor_and_a_cut_trail(qtbot, console_session, db: Database,
                                                   owner_db: Database, admin,
                                                   department_key: str) -> None:
    checkpoint = perform(db, admin, write_checkpoint)
    widget = AuditViewerWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    widget.verify_button.click()
    qtbot.waitUntil(lambda: "Anchored" in widget.message.text(), timeout=10000)
    assert "1 signature(s) checked" in widget.message.text()
    truncate_trail(owner_db, checkpoint.head_seq)
    widget.verify_button.click()
    qtbot.waitUntil(lambda: "FAILS" in widget.message.text(), timeout=10000)
    assert "removed from the end" in widget.message.text()
    widget.grab().save("/tmp/rtic_audit_verify.png")
