"""The Camera registry area: administrators add, edit, deactivate and import with a per-row
report (H.1); officers see only the look-up, which needs a case and is audited (H.2, H.3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from rtic_console.domain.registry_rules import MAX_LOOKUP_RADIUS_M
from rtic_console.services import registry
from rtic_console.services.registry import EntryInput
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.ui.admin.registry_entry_dialog import RegistryEntryDialog
from rtic_console.ui.admin.registry_widget import RegistryWidget

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "registry"


def _widget(qtbot, console_session, ctx) -> RegistryWidget:  # type: ignore[no-untyped-def]
    w = RegistryWidget(console_session(ctx))
    qtbot.addWidget(w)
    w.show()
    return w


def _actions(w: RegistryWidget) -> list[object]:
    return [w.entries_box, w.add_button, w.edit_button, w.deactivate_button, w.import_button]


@pytest.mark.policy("H.1")
def test_add_edit_and_deactivate_by_hand(qtbot, console_session, db: Database, admin,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    w = _widget(qtbot, console_session, admin)
    assert all(b.isVisibleTo(w) for b in _actions(w)) and w.near_panel.isVisibleTo(w)
    assert not w.edit_button.isEnabled() and not w.deactivate_button.isEnabled()
    dialog = RegistryEntryDialog(w._session, None, w)
    dialog.show()
    dialog.owner_name.setText("Capitol Deli")
    dialog.address.setText("1020 11th St")
    dialog.latitude.setText("38,5779")
    dialog.longitude.setText("-121.4850")
    dialog.equipment_type.setCurrentText("doorbell camera")
    dialog.save_button.click()
    qtbot.waitUntil(dialog.message.isVisible, timeout=10000)
    assert "Latitude '38,5779' is not a number" in dialog.message.text()
    dialog.latitude.setText("38.5779")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=10000)
    qtbot.waitUntil(lambda: w.model.rowCount() == 1, timeout=10000)

    w.table.selectRow(0)
    assert w.edit_button.isEnabled() and w.deactivate_button.isEnabled()
    edit = RegistryEntryDialog(w._session, w.selected(), w)
    assert (edit.latitude.text(), edit.longitude.text()) == ("38.5779", "-121.485")
    edit.contact.setText("Dana Ruiz")
    edit.save_button.click()
    qtbot.waitUntil(lambda: w.model.rowCount() == 1 and w.model.row_at(0).contact
                    == "Dana Ruiz", timeout=10000)

    w.table.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("camera removed", True))
    w.deactivate_button.click()
    qtbot.waitUntil(lambda: w.model.rowCount() == 0, timeout=10000)
    w.show_inactive.setChecked(True)
    qtbot.waitUntil(lambda: w.model.rowCount() == 1, timeout=10000)
    assert w.model.index(0, 6).data() == "Deactivated"
    w.table.selectRow(0)
    assert not w.edit_button.isEnabled() and not w.deactivate_button.isEnabled()
    with db.read() as session:
        actions = [e.action for e in list_events(session, AuditFilter(
            object_type="registry_entry"))]
    assert sorted(actions) == ["registry.add", "registry.deactivate", "registry.edit"]


@pytest.mark.policy("H.1")
def test_import_shows_a_report_per_row(qtbot, console_session, admin) -> None:
    w = _widget(qtbot, console_session, admin)
    w.import_file(FIXTURES / "broken.csv")
    qtbot.waitUntil(lambda: w.report_dialog is not None, timeout=10000)
    report = w.report_dialog
    assert report is not None and report.isVisible()
    assert "13 rows: 3 imported, 1 already registered, 9 refused" in report.summary.text()
    first = [report.model.row_at(r) for r in range(report.model.rowCount())][:2]
    assert [(o.row, o.status) for o in first] == [(3, "refused"), (4, "refused")]
    assert report.model.index(0, 2).data().startswith("latitude 'abc'")
    qtbot.waitUntil(lambda: w.model.rowCount() == 3, timeout=10000)
    assert "3 of 13 rows imported" in w.message.text()

    w.import_file(FIXTURES / "latin1.csv")
    qtbot.waitUntil(lambda: "not UTF-8 text" in w.message.text(), timeout=10000)
    assert w.import_button.isEnabled() and w.model.rowCount() == 3


@pytest.mark.policy("H.2")
def test_officer_looks_up_cameras_near_a_place_for_a_case(qtbot, console_session,
                                                          db: Database, admin,
                                                          enrol) -> None:
    for owner, lat in (("Far Away", 38.5860), ("Near By", 38.5779)):
        perform(db, admin, registry.add_entry, EntryInput(owner, "", f"{owner} St", lat,
                                                          -121.4850, "doorbell"))
    officer = enrol("6301", "officer")
    w = _widget(qtbot, console_session, officer)
    assert not any(b.isVisibleTo(w) for b in _actions(w))
    panel = w.near_panel
    assert panel.isVisibleTo(w)
    found: list[registry.NearResult] = []
    w.cameras_found.connect(found.append)
    panel.latitude.setText("38.5770")
    panel.longitude.setText("-121.4850")
    panel.find_button.click()
    qtbot.waitUntil(panel.result_line.isVisible, timeout=10000)
    assert "name the case number (H.2, H.3)" in panel.result_line.text()
    assert panel.model.rowCount() == 0 and not found, "a refused look-up finds nothing"

    panel.case_number.setText("26-004417")
    panel.radius.setValue(1500)
    panel.find_button.click()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    assert [(r.case_number, len(r.cameras)) for r in found] == [("26-004417", 2)]
    assert [panel.proxy.index(r, 1).data() for r in range(2)] == ["Near By", "Far Away"]
    assert [panel.proxy.index(r, 0).data() for r in range(2)] == ["100", "1,001"]
    assert "case 26-004417 · look-up audited" in panel.result_line.text()
    with db.read() as session:
        assert list_events(session, AuditFilter(action="registry.near.refused"))
        [event] = list_events(session, AuditFilter(action="registry.near"))
    assert event.details["case"] == "26-004417" and event.details["results"] == 2


@pytest.mark.policy("H.2")
def test_the_radius_box_stops_at_the_look_up_limit(qtbot, console_session, enrol) -> None:
    w = _widget(qtbot, console_session, enrol("6301", "officer"))
    radius = w.near_panel.radius
    assert radius.maximum() == MAX_LOOKUP_RADIUS_M == 2_000
    radius.setValue(20_000)
    assert radius.value() == 2_000
