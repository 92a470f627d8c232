"""Small shared widgets: the inline message line, plain-text detail values, and the error
wording for any failure."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from rtic_console.services.context import InputRejected, Refused
from rtic_console.store.database import DatabaseUnavailable


def describe_error(error: BaseException) -> str:
    """Words for the person at the console; unexpected errors are logged by the runner."""
    if isinstance(error, Refused | InputRejected | DatabaseUnavailable):
        return str(error)
    return f"Something went wrong ({type(error).__name__}); nothing was saved. See the log."


class MessageLine(QLabel):
    """One line under a form: red for a refusal, green for success, hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("messageLine")
        self.hide()

    def show_error(self, text: str) -> None:
        self.setProperty("tone", "error")
        self._show(text)

    def show_ok(self, text: str) -> None:
        self.setProperty("tone", "ok")
        self._show(text)

    def _show(self, text: str) -> None:
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


def value_label() -> QLabel:
    """A detail value as plain text: readers and feeds supply it, so it must not format."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
