"""The form dialogs' one way to save: a single audited service write, off the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.widgets import MessageLine, describe_error


class SavingDialog(QDialog):
    """Saves through one service write: the button that sent it waits while it runs, a
    refusal shows in the dialog and leaves it open with what was typed, and success closes
    it with the write's answer in `saved`."""

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.saved: Any = None
        self.message = MessageLine()
        self._sent_by: QPushButton | None = None

    def submit(self, button: QPushButton, fn: Callable[..., Any], *args: Any) -> None:
        self._sent_by = button
        self.message.clear_message()
        button.setEnabled(False)
        self._session.perform(fn, *args, owner=self, on_done=self._on_saved,
                              on_error=self._on_failed)

    def _on_saved(self, answer: object) -> None:
        self.saved = answer
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        if self._sent_by is not None:
            self._sent_by.setEnabled(True)
        self.message.show_error(describe_error(error))
