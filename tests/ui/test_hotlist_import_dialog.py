"""The import dialog: a file that shrinks a list too far is refused until the person ticks
the confirmation, and a simple list says it became a special list (E.2, I.1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from rtic_console.services.context import Context
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import HotListEntry
from rtic_console.ui.hotlists.import_dialog import ImportDialog

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hotlists"


def _active(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(HotListEntry)
                              .where(HotListEntry.status == "active"))


def _import(qtbot, dialog: ImportDialog, name: str, expect: str) -> None:  # type: ignore[no-untyped-def]
    dialog.path.setText(str(FIXTURES / name))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: expect in dialog.message.text(), timeout=5000)


@pytest.mark.policy("E.2")
def test_shrinking_a_list_asks_for_a_confirmation(qtbot, console_session, db: Database,
                                                  admin: Context, tmp_path: Path) -> None:
    dialog = ImportDialog(console_session(admin))
    qtbot.addWidget(dialog)
    dialog.resize(760, 520)
    dialog.list_name.setText("CA SVS")
    dialog.show()
    _import(qtbot, dialog, "svs.tbl", "35 entries now active")
    assert not dialog.confirm_shrink.isVisible()
    _import(qtbot, dialog, "svs_partial.tbl", "from 35 to 2 entries in force")
    assert dialog.message.property("tone") == "error"
    assert dialog.confirm_shrink.isVisible() and not dialog.confirm_shrink.isChecked()
    assert "from 35 to 2 entries in force" in dialog.confirm_shrink.text()
    assert "bad rows: 0" in dialog.report.toPlainText()
    dialog.grab().save(str(tmp_path / "hotlist_import_shrink.png"))
    assert _active(db) == 35, "refused: the previous list is kept"
    dialog.import_button.click()  # not ticked: refused again
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=5000)
    assert _active(db) == 35
    dialog.confirm_shrink.setChecked(True)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "2 entries now active" in dialog.message.text(), timeout=5000)
    assert "the shrink was confirmed" in dialog.report.toPlainText()
    assert not dialog.confirm_shrink.isVisible()
    assert _active(db) == 2
    with db.read() as session:
        actions = [e.action for e in list_events(session, AuditFilter())][:3]
    assert actions == ["hotlist.import", "hotlist.import.refused", "hotlist.import.refused"]


@pytest.mark.policy("I.1")
def test_a_simple_list_is_imported_as_a_special_list(qtbot, console_session,
                                                     admin: Context, tmp_path: Path) -> None:
    dialog = ImportDialog(console_session(admin))
    qtbot.addWidget(dialog)
    dialog.resize(760, 520)
    dialog.list_name.setText("Burglary series")
    dialog.show()
    _import(qtbot, dialog, "burglary_series.csv", "as a special list")
    report = dialog.report.toPlainText()
    assert "special list, awaiting supervisor approval" in report
    assert "Special list: 2 of 3 rows lack a CLETS/NCIC counterpart (E.2)" in report
    dialog.grab().save(str(tmp_path / "hotlist_import_special.png"))
