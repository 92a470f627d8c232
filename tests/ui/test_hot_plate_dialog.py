"""The hot plate dialog: an expiry typed beyond 24 hours reaches the service and is refused
under E.2, instead of the field keeping part of what was typed (48 became 4)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from rtic_console.services.context import Context
from rtic_console.store.database import Database
from rtic_console.store.models import HotListEntry
from rtic_console.ui.hotlists.hot_plate_dialog import HotPlateDialog


@pytest.mark.policy("E.2")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_expiry_typed_past_24_hours_is_refused_with_the_rule(
        qtbot, console_session, db: Database, admin: Context) -> None:
    dialog = HotPlateDialog(console_session(admin), special=False)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.plate.setText("8ABC123")
    dialog.case.setText("26-004417")
    dialog.reason.setCurrentIndex(1)
    dialog.system.setCurrentIndex(1)
    dialog.record.setText("V123456789")
    dialog.hours.selectAll()
    qtbot.keyClicks(dialog.hours, "48")
    qtbot.keyClick(dialog.hours, Qt.Key.Key_Tab)
    assert dialog.hours.value() == 48.0, "the field keeps what was typed"
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "E.2" in dialog.message.text(), timeout=5000)
    assert "24 hours" in dialog.message.text()
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(HotListEntry)) == 0
