"""The inbox area: items from every source the person decides, a badge with the count, live,
and decisions with a reason (I.1, F.2.e)."""

from __future__ import annotations

import pytest

from rtic_console.services import hotlists
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.runner import perform
from rtic_console.services.viewing_requests import request_viewing
from rtic_console.store.database import Database
from rtic_console.ui.inbox.inbox_widget import InboxWidget
from rtic_console.ui.main_window import MainWindow
from tests.services.test_hot_plates import GOOD
from tests.ui.late_answers import late

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.policy("I.1")
def test_the_inbox_badge_counts_what_waits_live(qtbot, console_session, db: Database,
                                                enrol, tmp_path) -> None:
    officer, asker = enrol("6101", "officer"), enrol("7002", "supervisor")
    both = enrol("8001", "supervisor", "division_commander")
    window = MainWindow(console_session(both))
    qtbot.addWidget(window)
    area = window.areas["inbox"]
    qtbot.waitUntil(lambda: window.nav.text_of("inbox") == "Inbox", timeout=5000)
    perform(db, officer, hotlists.propose_special, HotPlateInput(
        **{**GOOD.__dict__, "ncic_system": None, "ncic_record": None}))
    perform(db, asker, request_viewing, "Watch the parade route for the visit")
    qtbot.waitUntil(lambda: window.nav.text_of("inbox") == "Inbox (2)", timeout=5000)
    area.table.selectRow(1)
    assert area.selected().source == "viewing_request" and area.window_hours.isVisibleTo(area)
    area.reason.setText("For the visit only")
    area.approve_button.click()
    # The count follows the change event; the answer clears the reason given, which must
    # not go with the next decision.
    qtbot.waitUntil(lambda: window.nav.text_of("inbox") == "Inbox (1)"
                    and "approve recorded" in area.message.text(), timeout=5000)
    area.table.selectRow(0)
    area.reject_button.click()  # no reason: refused, nothing decided
    qtbot.waitUntil(lambda: "reason" in area.message.text(), timeout=5000)
    assert window.nav.text_of("inbox") == "Inbox (1)"
    window.resize(1280, 600)
    window.show_area("inbox")
    window.grab().save(str(tmp_path / "inbox.png"))


def test_a_late_answer_leaves_the_next_reason_typed(qtbot, console_session, db: Database,
                                                    enrol) -> None:
    """The decision's change event shows the inbox before the write's answer lands: the
    reason begun for the next item stays; only the one sent goes."""
    asker, both = enrol("7002", "supervisor"), enrol("8001", "supervisor", "division_commander")
    perform(db, asker, request_viewing, "Watch the parade route for the visit")
    perform(db, asker, request_viewing, "Watch the stadium gates for the match")
    area = InboxWidget(late(console_session, both))
    qtbot.addWidget(area)
    area.show()
    qtbot.waitUntil(lambda: area.model.rowCount() == 2, timeout=5000)
    area.table.selectRow(0)
    area.reason.setText("For the visit only")
    area.approve_button.click()
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=5000)  # the change event
    assert "recorded" not in area.message.text(), "the answer is still to come"
    area.table.selectRow(0)
    area.reason.setText("Not for a sporting event")
    qtbot.waitUntil(lambda: "approve recorded" in area.message.text(), timeout=5000)
    assert area.reason.text() == "Not for a sporting event"
