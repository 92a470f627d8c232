"""The Inspections tab: flagged first, review, referral, close and the PDF (D.2.b(2))."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtic_console.domain.inspections import Verdict
from rtic_console.services.divisions import set_commander
from rtic_console.services.inspections import open_inspection, review_search
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.ui.admin.inspections_widget import InspectionsWidget
from tests.services.inspection_support import QUARTER, log_search, person
from tests.services.pscn_support import add_camera

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.policy("D.2.b(2)")
def test_review_close_and_print_from_the_tab(qtbot, console_session, db: Database, admin,
                                             enrol, tmp_path: Path) -> None:
    person(db, admin, "6001", "officer", "Patrol")
    enrol("8001", "division_commander")
    perform(db, admin, set_commander, "Patrol", "8001")
    reviewer = enrol("7001", "supervisor")
    add_camera(db, admin, "CAM-AG-01")
    plain = log_search(db, "6001", case="25-0001")
    log_search(db, "6001", case="25-0001", minutes=2)
    broad = log_search(db, "6001", case="25-0002", minutes=4, results=2000)
    widget = InspectionsWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.show()
    widget.quarter_box.setCurrentText(QUARTER)
    widget.open_button.click()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3, timeout=5000)
    assert widget.model.row_at(0).search_id == broad  # large result and no case activity
    qtbot.waitUntil(widget.close_button.isEnabled, timeout=5000)
    reviewing = InspectionsWidget(console_session(reviewer))
    qtbot.addWidget(reviewing)
    reviewing.quarter_box.setCurrentText(QUARTER)
    reviewing.reload()
    qtbot.waitUntil(lambda: reviewing.model.rowCount() == 3, timeout=5000)
    assert not reviewing.open_button.isVisible() and not reviewing.close_button.isVisible()
    for row in range(3):
        reviewing.table.selectRow(0)
        # The inspection and its page load as two queries; either may land first.
        qtbot.waitUntil(reviewing.compliant_button.isEnabled, timeout=5000)
        item = reviewing.selected()
        if item.search_id == broad:
            reviewing.reason.setText("A 2,000-read net for a single stolen plate")
            reviewing.noncompliant_button.click()
        else:
            reviewing.compliant_button.click()
        qtbot.waitUntil(lambda r=row: sum(i.reviewed for i in reviewing.model.rows) == r + 1,
                        timeout=5000)
    qtbot.waitUntil(lambda: widget.referral_model.rowCount() == 1, timeout=5000)
    assert widget.referral_model.row_at(0).commander == "8001 Person 8001"
    assert plain in {i.search_id for i in reviewing.model.rows}
    widget.resize(1400, 800)
    widget.grab().save(str(tmp_path / "inspections.png"))
    widget.parts.setCurrentIndex(1)  # D.2.b(1): the devices
    qtbot.waitUntil(lambda: widget.device_model.rowCount() == 1, timeout=5000)
    widget.device_table.selectRow(0)
    widget.up_to_date_box.setChecked(False)
    widget.device_note.setText("Firmware 2.1; the department expects 2.4")
    widget.check_button.click()
    qtbot.waitUntil(lambda: widget.device_model.row_at(0).checked, timeout=5000)
    assert widget.device_model.row_at(0).up_to_date is False
    widget.grab().save(str(tmp_path / "inspection-devices.png"))
    widget.close_button.click()
    qtbot.waitUntil(lambda: widget._view is not None and widget._view.closed, timeout=5000)
    target = tmp_path / "report.pdf"
    widget.write_pdf(target)
    qtbot.waitUntil(lambda: "Wrote" in widget.message.text(), timeout=10000)
    assert target.read_bytes().startswith(b"%PDF")


def test_it_staff_see_the_devices_not_the_searches(qtbot, console_session, db: Database, admin,
                                                   enrol) -> None:
    add_camera(db, admin, "CAM-AG-01")
    it = enrol("9001", "it_staff")
    widget = InspectionsWidget(console_session(it))
    qtbot.addWidget(widget)
    widget.show()
    widget.quarter_box.setCurrentText(QUARTER)
    widget.open_button.click()
    qtbot.waitUntil(lambda: widget.device_model.rowCount() == 1, timeout=5000)
    assert not widget.parts.isTabVisible(0) and widget.parts.currentIndex() == 1
    assert not widget.pdf_button.isVisible() and widget.model.rowCount() == 0


def test_the_review_pages_through_the_quarter(qtbot, console_session, db: Database, admin,
                                              enrol, monkeypatch) -> None:
    from rtic_console.ui.admin import inspections_widget

    monkeypatch.setattr(inspections_widget, "PAGE", 2)
    person(db, admin, "6001", "officer", "Patrol")
    for minutes in range(5):
        log_search(db, "6001", case=f"25-000{minutes}", minutes=minutes)
    widget = InspectionsWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.quarter_box.setCurrentText(QUARTER)
    widget.open_button.click()
    qtbot.waitUntil(lambda: "1–2 of 5" in widget.counts.text(), timeout=5000)
    assert not widget.previous_button.isEnabled() and widget.next_button.isEnabled()
    widget.next_button.click()
    widget.next_button.click()
    qtbot.waitUntil(lambda: "5–5 of 5" in widget.counts.text(), timeout=5000)
    assert widget.model.rowCount() == 1 and not widget.next_button.isEnabled()
    widget.only_unreviewed.setChecked(True)
    qtbot.waitUntil(lambda: "1–2 of 5" in widget.counts.text(), timeout=5000)


@pytest.mark.parametrize(("role", "advice"), [
    ("supervisor", "an ALPR administrator names one in the Roster area"),
    ("alpr_admin", "name one in the Roster area"),
])
def test_a_referral_without_commander_says_who_names_one(qtbot, console_session, db: Database,
                                                         admin, enrol, role: str,
                                                         advice: str) -> None:
    """Only ALPR administrators have the Roster area: the others are told who to ask."""
    person(db, admin, "6001", "officer", "Patrol")  # Patrol has no division commander
    search = log_search(db, "6001", case="25-0001")
    perform(db, admin, open_inspection, QUARTER)
    perform(db, admin, review_search, QUARTER, search, Verdict.OUT_OF_COMPLIANCE.value,
            "No link to the case")
    viewer = enrol("7002", role)
    widget = InspectionsWidget(console_session(viewer))
    qtbot.addWidget(widget)
    widget.quarter_box.setCurrentText(QUARTER)
    widget.reload()
    qtbot.waitUntil(lambda: "NO division commander" in widget.summary.text(), timeout=5000)
    assert widget.summary.text().endswith(f"NO division commander: {advice}.")
