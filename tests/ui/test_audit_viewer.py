"""The audit screen's Verify chain button checks the signed checkpoints too."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from rtic_console.services.audit_anchor import write_checkpoint
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import verify
from rtic_console.store.database import Database
from rtic_console.ui.audit_viewer import AuditViewerWidget
from tests.support import truncate_trail

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.policy("AUDIT")
def test_verify_reports_the_anchor_and_a_cut_trail(qtbot, console_session, db: Database,
                                                   owner_db: Database, admin,
                                                   department_key: str, tmp_path: Path) -> None:
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
    widget.grab().save(str(tmp_path / "rtic_audit_verify.png"))


def test_an_event_reads_in_full_and_the_head_hash_is_shown_to_copy(
        qtbot, console_session, db: Database, admin) -> None:
    widget = AuditViewerWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() > 0, timeout=10000)
    widget.table.selectRow(0)
    newest = widget.model.row_at(0)
    shown = widget.detail.values()
    assert shown["Action"] == newest.action and shown["Hash"] == newest.hash
    assert widget.model.index(0, 7).data(Qt.ItemDataRole.ToolTipRole) is None, \
        "no raw JSON tooltip wider than the screen: the pane reads it"
    assert not widget.hash_row.isVisible()
    widget.verify_button.click()
    qtbot.waitUntil(widget.hash_row.isVisible, timeout=10000)
    with db.read() as session:
        head = verify(session)
    assert widget.head_hash.text() == head.head_hash and len(head.head_hash) == 64
    widget.copy_hash_button.click()
    assert QGuiApplication.clipboard().text() == head.head_hash
