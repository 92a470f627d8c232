"""Before a dispatcher signs out or quits: the hits they still hold are released for another
dispatcher, kept, or the leaving is cancelled (the guide's "Handing over", D.5.a, D.6.a)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from rtic_console.domain.roles import Permission
from rtic_console.services import hits as hit_service
from rtic_console.services import runner as service_runner
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.hits import HitView
from rtic_console.store.database import Database
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.widgets import describe_error

logger = logging.getLogger(__name__)

# The reason each release records: the audit trail says why the claim ended (D.5.a).
RELEASE_REASON = "released at sign-out so another dispatcher can take it"


@dataclass
class Released:
    """What releasing the claims did, hit by hit."""

    released: list[int] = field(default_factory=list)
    refused: list[tuple[int, BaseException]] = field(default_factory=list)


def release_claims(db: Database, ctx: Context, hit_ids: list[int]) -> Released:
    """On the writer thread: each claim through the release service, in its own audited
    transaction, so one that cannot go (a sergeant freed it meanwhile) keeps none back."""
    outcome = Released()
    for hit_id in hit_ids:
        try:
            service_runner.perform(db, ctx, hit_service.release_hit, hit_id, RELEASE_REASON)
        except (Refused, InputRejected) as refusal:
            outcome.refused.append((hit_id, refusal))
        else:
            outcome.released.append(hit_id)
    return outcome


def describe_claim(hit: HitView) -> str:
    steps = len(hit.steps_done)
    return (f"#{hit.id} {hit.best_plate} ({hit.reason.replace('_', ' ')}): "
            f"{steps} of 4 steps recorded")


class ClaimsHandoverDialog(QMessageBox):
    """Release them (the default, as the guide asks), leave keeping them, or stay."""

    def __init__(self, claims: list[HitView], verb: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("claimsHandover")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(f"{verb.capitalize()}: hits you hold")
        count = len(claims)
        self.setText(f"You hold {count} claimed hit{'s' if count != 1 else ''} not yet "
                     "confirmed or closed. Only you can work "
                     f"{'them' if count != 1 else 'it'} while claimed (D.6.a).")
        self.setInformativeText(
            "\n".join(describe_claim(h) for h in claims)
            + "\n\nRelease them so another dispatcher can take them now, with the steps you "
            "recorded. Kept, they wait for you, and a claim left unfinished for 20 minutes "
            "goes to the sergeant (D.5.a).")
        self.release_button: QPushButton = self.addButton(
            f"Release and {verb}", QMessageBox.ButtonRole.AcceptRole)
        self.keep_button: QPushButton = self.addButton(
            f"{verb.capitalize()} keeping them", QMessageBox.ButtonRole.DestructiveRole)
        self.cancel_button: QPushButton = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.release_button)
        self.setEscapeButton(self.cancel_button)


class LeaveAnywayDialog(QMessageBox):
    """The claims could not be checked or released: leave all the same, or stay."""

    def __init__(self, problem: str, verb: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("leaveAnyway")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(f"{verb.capitalize()}: hits you hold")
        self.setText(problem)
        self.leave_button: QPushButton = self.addButton(
            f"{verb.capitalize()} anyway", QMessageBox.ButtonRole.DestructiveRole)
        self.cancel_button: QPushButton = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.cancel_button)
        self.setEscapeButton(self.cancel_button)


class ClaimsHandover(QObject):
    """Asks, only if the person holds claims, before `then` signs them out or quits.

    The claims are read and released on the session's runner; the questions are
    window-modal and answered through signals, so the window never blocks and nothing
    runs on the GUI thread but the asking."""

    def __init__(self, session: ConsoleSession, window: QWidget) -> None:
        super().__init__(window)
        self._session = session
        self._window = window
        self._busy = False
        self.dialog: QMessageBox | None = None  # the question on screen, if any

    def before_leaving(self, verb: str, then: Callable[[], None]) -> None:
        """`verb` is "sign out" or "quit"; `then` runs once the person chose to go."""
        if self._busy:
            return  # already asking: the same key pressed twice
        if not self._session.may(Permission.WORK_HITS):
            then()  # only dispatchers hold claims
            return
        self._busy = True
        self._session.query(
            hit_service.list_hits, status="claimed", owner=self, key="hits.held",
            on_done=lambda rows: self._on_claims_loaded(rows, verb, then),
            on_error=lambda e: self._ask_anyway(
                f"The hits you hold could not be checked: {describe_error(e)}", verb, then))

    def _on_claims_loaded(self, rows: list[HitView], verb: str,
                          then: Callable[[], None]) -> None:
        me = self._session.ctx.actor.badge
        claims = sorted((h for h in rows if h.claimed_by == me),
                        key=lambda h: (h.priority, h.created_at, h.id))  # the queue's order
        if not claims:
            self._go(then)
            return
        dialog = ClaimsHandoverDialog(claims, verb, self._window)

        def answered(_result: int) -> None:
            self.dialog = None
            clicked = dialog.clickedButton()
            if clicked is dialog.release_button:
                self._release([h.id for h in claims], verb, then)
            elif clicked is dialog.keep_button:
                logger.info("%s %s keeping %d claimed hit(s)", me, verb, len(claims))
                self._go(then)
            else:
                self._busy = False
            dialog.deleteLater()

        self._show(dialog, answered)

    def _release(self, hit_ids: list[int], verb: str, then: Callable[[], None]) -> None:
        db, ctx = self._session.db, self._session.ctx

        def done(outcome: Released) -> None:
            if not outcome.refused:
                self._go(then)
                return
            lines = "\n".join(f"#{hit_id}: {describe_error(e)}" for hit_id, e in outcome.refused)
            self._ask_anyway(f"Released {len(outcome.released)} of {len(hit_ids)}; these "
                             f"stay as they are:\n{lines}", verb, then)

        self._session.runner.write(
            lambda: release_claims(db, ctx, hit_ids), done,
            lambda e: self._ask_anyway(f"The claims were not released: {describe_error(e)}",
                                       verb, then),
            key="hits.release_held", owner=self)

    def _ask_anyway(self, problem: str, verb: str, then: Callable[[], None]) -> None:
        dialog = LeaveAnywayDialog(problem, verb, self._window)

        def answered(_result: int) -> None:
            self.dialog = None
            if dialog.clickedButton() is dialog.leave_button:
                self._go(then)
            else:
                self._busy = False
            dialog.deleteLater()

        self._show(dialog, answered)

    def _show(self, dialog: QMessageBox, answered: Callable[[int], None]) -> None:
        self.dialog = dialog
        dialog.finished.connect(answered)
        dialog.open()  # window-modal, answered through `finished`: no nested event loop

    def _go(self, then: Callable[[], None]) -> None:
        self._busy = False
        then()
