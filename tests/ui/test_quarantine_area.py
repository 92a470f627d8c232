"""Administrators see what could not be parsed, with its reason (nothing silently lost)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from rtic_console.services.ingest import quarantine
from rtic_console.store.database import Database
from rtic_console.store.models import Detection
from rtic_console.ui.admin.quarantine_widget import QuarantineWidget

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
READS = Path(__file__).parents[1] / "fixtures" / "reads" / "reads.csv"


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


def test_a_payload_reads_in_full_saves_and_replays_once_fixed(
        qtbot, console_session, db: Database, admin, tmp_path: Path) -> None:
    widget = QuarantineWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.resize(1300, 600)
    widget.show()
    long_reason = "parser did not know this vendor's layout: " + "detail " * 40
    raw = READS.read_bytes()
    with db.write() as session:
        qid = quarantine(session, "file:reads.csv", "text/csv", long_reason, raw)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=5000)
    assert not widget.replay_button.isEnabled()
    widget.table.selectRow(0)
    assert widget.detail.values()["Reason"] == long_reason, "the pane shows it whole"
    assert widget.model.index(0, 3).data().endswith("…")

    target = tmp_path / "payload.csv"
    widget.save_to(qid, target)
    qtbot.waitUntil(lambda: "Saved payload" in widget.message.text(), timeout=5000)
    assert target.read_bytes() == raw

    widget.replay_button.click()
    # The row leaves with the change event, the message comes with the write's answer.
    qtbot.waitUntil(lambda: widget.model.rowCount() == 0 and "replayed" in widget.message.text(),
                    timeout=10000)
    assert "left the quarantine" in widget.message.text()
    assert widget.detail.values() == {}
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Detection)) >= 1
