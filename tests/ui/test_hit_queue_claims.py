"""The panel shows the hit F2 acts on, and follows its claim wherever it was made (the user
trial's defect: F2 with no row selected claimed a hit the panel then showed as still new)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from rtic_console.domain.checklist import HitStatus
from rtic_console.services import hits as hit_service
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from tests.ui import test_hit_queue as queue_tests
from tests.ui.test_hit_keyboard import (
    changes_heard,
    focused,
    open_new_hit,
    opened,
    press,
    shows,
)

engine = queue_tests.engine
changes_heard = changes_heard  # PostgreSQL: the console hears commits as app.py does
Key = Qt.Key


def status_of(db: Database, ctx, hit_id: int) -> HitStatus:  # type: ignore[no-untyped-def]
    return perform(db, ctx, hit_service.hit_detail, hit_id, images=False).hit.status


@pytest.mark.policy("D.5.b")
@pytest.mark.usefixtures("changes_heard")
def test_f2_with_no_hit_selected_claims_nothing_and_says_what_to_do(
        qtbot, console_session, db: Database, engine, enrol, tmp_path: Path) -> None:
    dispatcher = enrol("5201", "dispatcher")
    widget = opened(qtbot, console_session(dispatcher))
    panel = widget.checklist
    top = queue_tests._ingest(db, engine, "7KQM482", "f1")
    queue_tests._ingest(db, engine, "7KQM482", "f2")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=3000)
    # The focus arrives in the queue as from the keyboard or with the window: Qt makes the
    # first row current without selecting it. That row must not become the panel's hit.
    QApplication.focusWidget().clearFocus()
    widget.table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.wait(200)
    assert widget.table.selectionModel().selectedRows() == []
    assert widget.selected_id is None and not panel.isEnabled()
    assert panel.status.text() == "No hit selected."

    press(Key.Key_F2)
    assert "Select a hit first" in widget.message.text() and "Ctrl+Down" in widget.message.text()
    qtbot.wait(300)
    assert {h.status for h in widget.model.rows} == {HitStatus.NEW}, "nothing was claimed"
    widget.grab().save(str(tmp_path / "hit_queue_f2_nothing_selected.png"))

    press(Key.Key_Down)  # the arrows start at the top, the most urgent
    qtbot.waitUntil(lambda: shows(widget, top) and panel.claim_button.isVisible(), timeout=5000)
    assert widget.message.text() == "", "the request to select a hit is answered"
    press(Key.Key_F2)
    qtbot.waitUntil(lambda: focused() is panel.cad, timeout=5000)
    assert panel.status.text().startswith("Claimed by you")
    assert widget.model.row_at(widget.model.row_of(top)).claimed_by == "5201"
    assert widget.table.selectionModel().selectedRows()[0].row() == widget.model.row_of(top)
    widget.grab().save(str(tmp_path / "hit_queue_f2_claimed.png"))

    press(Key.Key_Escape)
    press(Key.Key_F2)  # again, on the hit already claimed: it says so
    assert "claimed by you already" in panel.message.text()
    assert status_of(db, dispatcher, top) is HitStatus.CLAIMED


@pytest.mark.policy("D.5.b")
@pytest.mark.usefixtures("changes_heard")
def test_the_panel_follows_a_claim_made_on_another_console(
        qtbot, console_session, db: Database, engine, enrol) -> None:
    widget = opened(qtbot, console_session(enrol("5201", "dispatcher")))
    other = enrol("5202", "dispatcher")
    panel = widget.checklist
    hit_id = open_new_hit(qtbot, widget, db, engine, "7KQM482", "f3")
    perform(db, other, hit_service.claim_hit, hit_id)  # another dispatcher, first
    qtbot.waitUntil(lambda: not panel.claim_button.isVisible(), timeout=5000)
    assert "Claimed by 5202" in panel.status.text() and not panel.cad.isEnabled()
    press(Key.Key_F2)
    assert "claimed by 5202" in panel.message.text(), "F2 says who has it"

    perform(db, other, hit_service.release_hit, hit_id, "called to a priority incident now")
    qtbot.waitUntil(lambda: panel.claim_button.isVisible(), timeout=5000)
    panel.message.clear_message()
    panel.claim_button.click()  # the button: the panel shows the claim at once
    qtbot.waitUntil(lambda: panel.cad.isEnabled(), timeout=5000)
    assert panel.status.text().startswith("Claimed by you")


@pytest.mark.usefixtures("changes_heard")
def test_a_claim_reaches_the_panel_even_with_the_row_unselected(
        qtbot, console_session, db: Database, engine, enrol) -> None:
    """The panel follows the hit it shows, not the table's selection at that moment."""
    dispatcher = enrol("5201", "dispatcher")
    widget = opened(qtbot, console_session(dispatcher))
    panel = widget.checklist
    hit_id = queue_tests._ingest(db, engine, "7KQM482", "f4")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=3000)
    widget.select_hit(hit_id)
    qtbot.waitUntil(lambda: shows(widget, hit_id) and panel.claim_button.isVisible(),
                    timeout=5000)
    selection = widget.table.selectionModel()
    blocker = selection.blockSignals(True)  # the table loses its selection unannounced
    selection.clearSelection()
    selection.blockSignals(blocker)
    perform(db, dispatcher, hit_service.claim_hit, hit_id)  # e.g. from the command line
    qtbot.waitUntil(lambda: panel.cad.isEnabled(), timeout=5000)
    assert panel.status.text().startswith("Claimed by you")
    assert selection.selectedRows()[0].row() == 0, "the queue shows the panel's hit selected"
