"""The form dialogs' one way to save: the work off the UI thread, the button waiting, a
refusal shown in the dialog; as the signed-in person, or before anyone can sign in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.operations import OperationRunner
from rtic_console.ui.widgets import MessageLine, describe_error, keep_wrapped_text_whole


class OffThreadSaveDialog(QDialog):
    """Saves through work run off the UI thread: the button that sent it waits while it
    runs, a failure shows in the dialog and leaves it open with what was typed, and success
    closes it with the work's answer in `saved`. The first run's dialogs use it as it is
    (nobody is signed in yet); the other forms through `SavingDialog`.

    After a failure the field that had the focus gets it back and the sending button is
    the default again, so Enter saves the corrected form: the button's wait would
    otherwise hand the focus, and with it the default, to Cancel. The message clears as
    soon as the person edits a field.
    """

    def __init__(self, runner: OperationRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_wrapped_text_whole(self)
        self._runner = runner
        self.saved: Any = None
        self.message = MessageLine()
        self._sent_by: QPushButton | None = None
        self._focus_before: QWidget | None = None
        self._watching_edits = False

    def showEvent(self, event: QShowEvent) -> None:
        if not self._watching_edits:  # the subclass has built its fields by now
            self._watching_edits = True
            self.message.clear_on_edit(self)
        super().showEvent(event)

    def save(self, button: QPushButton, body: Callable[[], Any],
             on_saved: Callable[[Any], None] | None = None) -> None:
        """Run body as a write; its answer goes to on_saved, by default kept and closing."""
        self._wait_on(button)
        self._runner.write(body, on_saved or self._on_saved, self._on_failed, owner=self)

    def _wait_on(self, button: QPushButton) -> None:
        self._sent_by = button
        self._focus_before = self.focusWidget()
        self.message.clear_message()
        button.setEnabled(False)

    def _on_saved(self, answer: object) -> None:
        self.saved = answer
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        if self._sent_by is not None:
            self._sent_by.setEnabled(True)
            self._sent_by.setDefault(True)
        focus = self._focus_before
        if focus is not None and focus.isEnabled():
            focus.setFocus()
        self.message.show_error(describe_error(error))


class SavingDialog(OffThreadSaveDialog):
    """Saves through one audited service write as the signed-in person: a refusal stays in
    the dialog like any failure."""

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(session.runner, parent)
        self._session = session

    def submit(self, button: QPushButton, fn: Callable[..., Any], *args: Any) -> None:
        self._wait_on(button)
        self._session.perform(fn, *args, owner=self, on_done=self._on_saved,
                              on_error=self._on_failed)
