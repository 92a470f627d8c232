"""The Sharing area: requests with their decisions and clauses, the directory, legal review
by a division commander, and the log, live as the services change them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rtic_console.services.agencies import AgencyInput, add_agency
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.ui.sharing.sharing_dialogs import AgencyDialog, SharingRequestDialog
from rtic_console.ui.sharing.sharing_widget import SharingWidget
from tests.services.test_search import seed_reads

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
WAIT = 15000  # two cores shared with other work


@pytest.fixture
def directory(db: Database, admin) -> None:
    for ori, name, state, partner in (("CA0340100", "Elk Grove PD", "CA", True),
                                      ("CA0345000", "Galt PD", "CA", False)):
        perform(db, admin, add_agency, AgencyInput(ori, name, state, "local",
                                                   learn_partner=partner))
    seed_reads(db)


def fill(dialog: SharingRequestDialog, ori: str, purpose: str, out: Path) -> None:
    dialog.agency.setCurrentIndex(dialog.agency.findData(ori))
    dialog.requester.setText("Det. R. Alvarez")
    dialog.their_case.setText("EG-26-0412")
    dialog.purpose.setPlainText(purpose)
    dialog.plates.setText("7ABC123")
    dialog.folder.setText(str(out))


@pytest.mark.policy("C.2.a")
def test_requests_decided_reviewed_and_logged(qtbot, console_session, db: Database,
                                              second_admin, enrol, directory,
                                              tmp_path: Path) -> None:
    # Taken by the second administrator: the commander was made one by the first.
    widget = SharingWidget(console_session(second_admin))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.agencies.rowCount() == 2, timeout=WAIT)
    assert not widget.new_button.isHidden() and widget.permit_button.isHidden()

    dialog = SharingRequestDialog(widget.directory, widget)
    fill(dialog, "CA0340100", "carjacking suspect vehicle", tmp_path / "out")
    widget.file_request(dialog)
    qtbot.waitUntil(lambda: widget.requests.rowCount() == 1
                    and "granted (C.2)" in widget.message.text(), timeout=WAIT)
    fill(dialog, "CA0345000", "carjacking suspect vehicle", tmp_path / "refused")
    widget.file_request(dialog)
    qtbot.waitUntil(lambda: widget.requests.rowCount() == 2
                    and "refused (C.2.a)" in widget.message.text(), timeout=WAIT)
    assert not (tmp_path / "refused").exists()
    widget.requests_view.selectRow(0)  # newest first
    assert "division commander was alerted" in widget.detail.text()
    assert widget.review_button.isEnabled()
    widget.send_to_review(2, "Galt joins LEARN next week; counsel to advise")
    qtbot.waitUntil(lambda: widget.requests.row_at(0).review_status == "pending",
                    timeout=WAIT)
    qtbot.waitUntil(lambda: any(e.action == "sharing.review" for e in widget.log.rows),
                    timeout=WAIT)

    commander = SharingWidget(console_session(enrol("9001", "division_commander")))
    qtbot.addWidget(commander)
    qtbot.waitUntil(lambda: commander.requests.rowCount() == 2, timeout=WAIT)
    assert not commander.permit_button.isHidden() and commander.new_button.isHidden()
    commander.decide_review(2, False, "C.2.a: no data to a non-partner", tmp_path / "none")
    qtbot.waitUntil(lambda: "upheld" in commander.message.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: widget.requests.row_at(0).review_status == "denied",
                    timeout=WAIT)
    assert not (tmp_path / "none").exists()


@pytest.mark.policy("C.4")
def test_an_agency_without_its_state_is_refused_in_the_area(qtbot, console_session,
                                                           db: Database, admin) -> None:
    widget = SharingWidget(console_session(admin))
    qtbot.addWidget(widget)
    dialog = AgencyDialog(widget)
    dialog.ori.setText("CA0340200")
    dialog.name.setText("Citrus Heights PD")
    dialog.agency_type.setCurrentIndex(dialog.agency_type.findData("local"))
    widget.show()
    widget.add_agency(dialog.agency())
    qtbot.waitUntil(widget.message.isVisible, timeout=WAIT)
    assert "State is missing" in widget.message.text()


@pytest.mark.policy("C.2.a")
def test_a_commanders_banner_shows_the_non_partner_request(qtbot, console_session,
                                                          db: Database, second_admin, enrol,
                                                          directory, tmp_path: Path) -> None:
    from rtic_console.services import sharing
    from rtic_console.ui.main_window import MainWindow

    commander = enrol("9001", "division_commander")
    window = MainWindow(console_session(commander))
    qtbot.addWidget(window)
    banner, area = window.alert_banner, window.areas["sharing"]
    perform(db, second_admin, sharing.file_request, sharing.SharingInput(
        "CA0345000", "Det. A", "", "burglary series", "G-1", plates="7ABC123",
        time_from=datetime.now(UTC) - timedelta(hours=2), time_to=datetime.now(UTC)))
    qtbot.waitUntil(lambda: bool(banner.alerts) and area.requests.rowCount() == 1,
                    timeout=WAIT)
    assert "non-LEARN partner: Galt PD" in banner.text.text()
    assert banner.show_button.isVisibleTo(banner)
    banner.show_button.click()
    assert window.current_area() is area
    assert area.selected_request() is not None and area.selected_request().id == 1
    assert "division commander was alerted" in area.detail.text()


def test_the_empty_requests_list_says_why_until_a_request_arrives(
        qtbot, console_session, db: Database, admin, directory, tmp_path: Path) -> None:
    """The demo's Requests list was a blank table: it says there are none yet and what
    lists one, and the words go when a request is filed."""
    from rtic_console.services import sharing

    widget = SharingWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.agencies.rowCount() == 2, timeout=WAIT)
    note, view = widget.requests_empty, widget.requests_view
    qtbot.waitUntil(note.isVisible, timeout=WAIT)  # once the (empty) list has answered
    assert "No sharing requests yet" in note.text()
    assert "New request…" in note.text()
    qtbot.waitUntil(lambda: note.geometry() == view.viewport().geometry(), timeout=WAIT)
    perform(db, admin, sharing.file_request, sharing.SharingInput(
        "CA0340100", "Det. A", "", "carjacking suspect vehicle", "EG-1", plates="7ABC123",
        time_from=datetime.now(UTC) - timedelta(hours=2), time_to=datetime.now(UTC)),
        tmp_path)
    qtbot.waitUntil(lambda: widget.requests.rowCount() == 1, timeout=WAIT)
    assert not note.isVisible()
