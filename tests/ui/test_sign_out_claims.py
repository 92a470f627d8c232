"""Signing out or quitting with claimed, unfinished hits asks first: release them for another
dispatcher (each through the release service, audited), keep them, or stay (D.5.a)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from rtic_console.domain.checklist import HitStatus
from rtic_console.services import hits as hit_service
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.ui.hits.claims_handover import (
    RELEASE_REASON,
    ClaimsHandoverDialog,
    LeaveAnywayDialog,
)
from rtic_console.ui.main_window import MainWindow
from tests.refusals import events_after, head_seq
from tests.ui import test_hit_queue as queue_tests

engine = queue_tests.engine
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def opened(qtbot, session) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    return window


def sign_out_action(window: MainWindow) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text() == "Sign &out")


def status(db: Database, ctx, hit_id: int) -> tuple[HitStatus, str | None]:  # type: ignore[no-untyped-def]
    hit = perform(db, ctx, hit_service.hit_detail, hit_id, images=False).hit
    return hit.status, hit.claimed_by


@pytest.mark.policy("D.5.a")
def test_sign_out_releases_the_claims_held_when_asked(qtbot, console_session, db: Database,
                                                      engine, enrol, tmp_path: Path) -> None:
    me, other = enrol("5201", "dispatcher"), enrol("5202", "dispatcher")
    mine = [queue_tests._ingest(db, engine, "7KQM482", f"s{n}") for n in range(2)]
    theirs = queue_tests._ingest(db, engine, "7KQM482", "s9")
    for hit_id in mine:
        perform(db, me, hit_service.claim_hit, hit_id)
    perform(db, other, hit_service.claim_hit, theirs)
    window = opened(qtbot, console_session(me))
    start = head_seq(db)
    signed_out: list[bool] = []
    window.sign_out_requested.connect(lambda: signed_out.append(True))

    sign_out_action(window).trigger()
    qtbot.waitUntil(lambda: window.handover.dialog is not None, timeout=5000)
    dialog = window.handover.dialog
    assert isinstance(dialog, ClaimsHandoverDialog) and dialog.isVisible()
    assert not signed_out, "nothing happens before the answer"
    assert "You hold 2 claimed hits" in dialog.text()
    assert all(f"#{hit_id} 7KQM482" in dialog.informativeText() for hit_id in mine)
    assert f"#{theirs}" not in dialog.informativeText(), "another dispatcher's claim"
    assert dialog.defaultButton() is dialog.release_button
    assert dialog.release_button.text() == "Release and sign out"
    dialog.grab().save(str(tmp_path / "sign_out_claims_dialog.png"))

    dialog.release_button.click()
    qtbot.waitUntil(lambda: signed_out == [True], timeout=5000)
    assert all(status(db, me, hit_id) == (HitStatus.NEW, None) for hit_id in mine)
    assert status(db, me, theirs) == (HitStatus.CLAIMED, "5202")
    releases = [e for e in events_after(db, start) if e.action == "hits.release"]
    assert sorted(int(e.object_id or 0) for e in releases) == sorted(mine)
    assert all(e.actor_badge == "5201" and e.reason == RELEASE_REASON
               and e.details["released_from"] == "5201" for e in releases)


@pytest.mark.policy("D.5.a")
def test_keep_cancel_and_quit_with_claims(qtbot, console_session, db: Database, engine,
                                          enrol) -> None:
    me = enrol("5201", "dispatcher")
    hit_id = queue_tests._ingest(db, engine, "7KQM482", "q1")
    perform(db, me, hit_service.claim_hit, hit_id)
    window = opened(qtbot, console_session(me))
    signed_out: list[bool] = []
    closed: list[bool] = []
    window.sign_out_requested.connect(lambda: signed_out.append(True))
    window.closed.connect(lambda: closed.append(True))

    window.activateWindow()  # a shortcut reaches the window in front
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    QTest.keyClick(window, Qt.Key.Key_Q,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.handover.dialog is not None, timeout=5000)
    window.handover.dialog.cancel_button.click()  # stay: nothing happens
    qtbot.wait(200)
    assert not signed_out and window.isVisible()
    assert status(db, me, hit_id) == (HitStatus.CLAIMED, "5201")

    window.close()  # Quit, Ctrl+Q or the window's close button asks the same
    qtbot.waitUntil(lambda: window.handover.dialog is not None, timeout=5000)
    dialog = window.handover.dialog
    assert dialog.keep_button.text() == "Quit keeping them"
    assert window.isVisible() and not closed
    dialog.keep_button.click()
    qtbot.waitUntil(lambda: closed == [True], timeout=5000)
    assert status(db, me, hit_id) == (HitStatus.CLAIMED, "5201"), "kept, as chosen"


def test_sign_out_without_claims_asks_nothing(qtbot, console_session, db: Database, engine,
                                              enrol) -> None:
    window = opened(qtbot, console_session(enrol("5201", "dispatcher")))
    with qtbot.waitSignal(window.sign_out_requested, timeout=5000):
        sign_out_action(window).trigger()
    assert window.handover.dialog is None


def test_a_claim_that_cannot_be_released_is_said_and_the_person_chooses(
        qtbot, console_session, db: Database, engine, enrol) -> None:
    """A sergeant freed the claim while the question was open: the release is refused
    (and audited); the dispatcher is told and signs out all the same."""
    me = enrol("5201", "dispatcher")
    sergeant = enrol("8501", "supervisor")
    hit_id = queue_tests._ingest(db, engine, "7KQM482", "r1")
    perform(db, me, hit_service.claim_hit, hit_id)
    window = opened(qtbot, console_session(me))
    sign_out_action(window).trigger()
    qtbot.waitUntil(lambda: window.handover.dialog is not None, timeout=5000)
    perform(db, sergeant, hit_service.release_hit, hit_id, "dispatcher 5201 called away now")
    window.handover.dialog.release_button.click()
    qtbot.waitUntil(lambda: isinstance(window.handover.dialog, LeaveAnywayDialog), timeout=5000)
    dialog = window.handover.dialog
    assert "Released 0 of 1" in dialog.text() and "not claimed" in dialog.text()
    with qtbot.waitSignal(window.sign_out_requested, timeout=5000):
        dialog.leave_button.click()


def test_the_operating_system_quits_without_asking(qtbot, console_session, db: Database,
                                                   engine, enrol) -> None:
    """SIGTERM or SIGINT (app.ConsoleController.quit): no one may be there to answer."""
    me = enrol("5201", "dispatcher")
    hit_id = queue_tests._ingest(db, engine, "7KQM482", "t1")
    perform(db, me, hit_service.claim_hit, hit_id)
    window = opened(qtbot, console_session(me))
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close_without_asking()
    assert window.handover.dialog is None
    assert status(db, me, hit_id) == (HitStatus.CLAIMED, "5201")
