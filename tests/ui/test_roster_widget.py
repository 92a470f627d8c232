"""Roster editing through the tab, as an ALPR administrator does it (D.2.c)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from rtic_console.domain.roles import Role
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.ui.admin.person_dialog import PersonDialog
from rtic_console.ui.admin.roster_widget import RosterWidget

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def widget(qtbot, console_session, db: Database, admin, runner) -> RosterWidget:
    w = RosterWidget(console_session(admin))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.rowCount() == 1, timeout=10000)
    return w


def _fill(dialog: PersonDialog, badge: str, name: str, roles: list[Role]) -> None:
    form = dialog.form
    form.badge.setText(badge)
    form.name.setText(name)
    form.division.setText("Communications")
    for role in roles:
        form.role_boxes[role].setChecked(True)
    past = date.today() - timedelta(days=30)
    for edit in (form.clets, form.alpr):
        edit.recorded.setChecked(True)
        edit.date.setDate(QDate(past.year, past.month, past.day))
    form.password.setText("a-long-enough-password")
    form.password_again.setText("a-long-enough-password")


@pytest.mark.policy("D.2.c")
def test_add_edit_deactivate_through_the_tab(qtbot, widget: RosterWidget, db: Database) -> None:
    add = PersonDialog(widget._session, None, widget)
    qtbot.addWidget(add)
    _fill(add, "5301", "Dispatcher Quinn", [Role.DISPATCHER])
    add.save_button.click()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=10000)

    widget.filter_edit.setText("quinn")
    assert widget.proxy.rowCount() == 1
    widget.table.selectRow(0)
    person = widget.selected()
    assert person is not None and person.badge == "5301" and person.authorized

    edit = PersonDialog(widget._session, person, widget)
    qtbot.addWidget(edit)
    edit.form.role_boxes[Role.OFFICER].setChecked(True)
    edit.save_button.click()
    qtbot.waitUntil(lambda: Role.OFFICER in (widget.selected() or person).roles,
                    timeout=10000)

    with db.read() as session:
        update = list_events(session, AuditFilter(action="roster.update"))[0]
    assert update.details["before"]["roles"] == ["dispatcher"]
    assert update.details["after"]["roles"] == ["dispatcher", "officer"]


def test_bad_input_shown_and_dialog_stays_open(qtbot, widget: RosterWidget) -> None:
    add = PersonDialog(widget._session, None, widget)
    qtbot.addWidget(add)
    _fill(add, "53'01", "Bad Badge", [Role.DISPATCHER])
    add.show()
    add.save_button.click()
    qtbot.waitUntil(add.message.isVisible, timeout=10000)
    assert "Badge number" in add.message.text()
    assert add.isVisible()
    assert widget.model.rowCount() == 1


def test_after_a_refusal_enter_saves_the_corrected_form_and_nothing_moves(
        qtbot, widget: RosterWidget) -> None:
    """The wait of the Save button must not hand the default to Cancel, and the message
    must not push the buttons down (issue 16, item 7)."""
    add = PersonDialog(widget._session, None, widget)
    qtbot.addWidget(add)
    _fill(add, "53'01", "Bad Badge", [Role.DISPATCHER])
    add.show()
    qtbot.waitExposed(add)
    add.activateWindow()
    where = add.save_button.mapTo(add, QPoint(0, 0))
    qtbot.mouseClick(add.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(add.message.isVisible, timeout=10000)
    assert add.message.text()[0].isupper()
    assert add.save_button.isDefault() and add.save_button.isEnabled()
    cancel = add.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
    assert add.focusWidget() is not cancel and not cancel.isDefault()
    assert add.save_button.mapTo(add, QPoint(0, 0)) == where
    qtbot.keyClick(add.focusWidget(), Qt.Key.Key_Return)  # Enter right away: saves again
    qtbot.waitUntil(lambda: add.save_button.isEnabled() and add.message.isVisible(),
                    timeout=10000)
    assert add.isVisible()
    add.form.badge.setText("")
    qtbot.keyClicks(add.form.badge, "5302")
    assert not add.message.isVisible(), "editing the field clears what was said about it"
    qtbot.keyClick(add.form.badge, Qt.Key.Key_Return)
    # The row comes with the change event, the dialog closes on the write's answer.
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2
                    and add.result() == PersonDialog.DialogCode.Accepted, timeout=10000)


def test_sorting_and_inactive_filter(qtbot, widget: RosterWidget, enrol, db: Database) -> None:
    from rtic_console.services import roster
    from rtic_console.services.runner import perform

    enrol("0500", "officer", sign=False)
    enrol("9000", "officer", sign=False)
    perform(db, widget._session.ctx, roster.deactivate_person, "9000")
    widget.refresh()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3, timeout=10000)
    widget.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    first = widget.proxy.index(0, 0).data()
    assert first == "9000"
    widget.inactive_box.setChecked(False)
    assert widget.proxy.rowCount() == 2


@pytest.mark.policy("SOD")
def test_grants_of_the_selected_person_and_confirming_one(
        qtbot, console_session, db: Database, admin, second_admin, runner, tmp_path: Path) -> None:
    from rtic_console.services.roster import PersonInput, add_person
    from rtic_console.services.runner import perform
    from tests.support import PASSWORD

    past = (date.today() - timedelta(days=30)).isoformat()
    perform(db, admin, add_person, PersonInput("8501", "Lt. Pending", ("officer", "supervisor"),
                                               "Patrol", past, past), PASSWORD)
    w = RosterWidget(console_session(second_admin))
    qtbot.addWidget(w)
    w.resize(1100, 640)
    w.show()
    qtbot.waitUntil(lambda: w.model.rowCount() == 3, timeout=10000)
    w.select_badge("8501")
    assert "Supervisor (awaiting confirmation)" in w.model.cell(w.selected(), 2,
                                                               Qt.ItemDataRole.DisplayRole)
    roles = [w.grants_model.cell(g, 0, Qt.ItemDataRole.DisplayRole) for g in w.grants_model.rows]
    assert roles == ["Officer / CSO / professional staff", "Supervisor"]
    assert not w.confirm_button.isEnabled()
    w.grants_table.selectRow(1)
    assert w.confirm_button.isEnabled()
    assert w.grants_model.cell(w.selected_grant(), 1, Qt.ItemDataRole.DisplayRole) == \
        "Awaiting confirmation"
    w.confirm_button.click()
    # The grant comes with the change event, the message with the write's answer.
    qtbot.waitUntil(lambda: not w.selected_grant().pending
                    and "confirmed for 8501" in w.message.text(), timeout=10000)
    grant = w.selected_grant()
    assert (grant.granted_by, grant.confirmed_by) == ("1001", "1002")
    assert not w.confirm_button.isEnabled()
    w.grab().save(str(tmp_path / "rtic_roster_grants.png"))
    with db.read() as session:
        confirmed = list_events(session, AuditFilter(action="roster.role.confirm"))
    assert [e.object_id for e in confirmed] == ["8501", "1002"]
