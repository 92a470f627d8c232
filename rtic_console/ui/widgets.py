"""Small shared widgets: the inline message line, plain-text detail values, a password box
wide enough for its dots, a window floor for wrapped text, and the error wording for any
failure."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyleOptionFrame,
    QTextEdit,
    QWidget,
)

from rtic_console.services.context import InputRejected, Refused, refusal_text
from rtic_console.store.database import DatabaseUnavailable

# A success is read in a glance; it then goes, so it never stands beside the next action.
OK_LINGER_MS = 8000
# The lines a message line keeps for itself, shown or not, so nothing below it moves.
RESERVED_LINES = 2
# Room kept above and below a message scrolled into view, so its frame shows whole.
REVEAL_MARGIN = 8
# The echoed characters a password box shows without scrolling.
PASSWORD_SHOWN = 14
# QLineEdit's own gap between its frame and its text, each side (not given by the style).
_LINE_EDIT_MARGIN = 2


def sentence(text: str) -> str:
    """What a person reads starts with a capital: services word refusals in lower case so
    that the CLI can prefix them."""
    return text[:1].upper() + text[1:]


def describe_error(error: BaseException) -> str:
    """Words for the person at the console; unexpected errors are logged by the runner."""
    if isinstance(error, Refused | InputRejected):
        return refusal_text(error)  # MessageLine starts what it shows with a capital
    if isinstance(error, DatabaseUnavailable):
        return str(error)
    return f"Something went wrong ({type(error).__name__}); nothing was saved. See the log."


class MessageLine(QLabel):
    """The message area of a form or a screen: red for a refusal, green for success.

    Its height is kept whether a message shows or not, so a message never pushes the
    buttons away (`keep_room=False` gives it back where an empty line would push the rest
    down instead); a success clears itself after OK_LINGER_MS, and `clear_on_edit` clears
    any message once the person changes what it was about.
    """

    def __init__(self, parent: QWidget | None = None, *, keep_room: bool = True) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("messageLine")
        # Messages quote what people typed and devices sent: never read as markup.
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(keep_room)
        policy.setVerticalPolicy(QSizePolicy.Policy.Fixed)
        self.setSizePolicy(policy)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * RESERVED_LINES + 12)
        self._linger = QTimer(self)
        self._linger.setSingleShot(True)
        self._linger.setInterval(OK_LINGER_MS)
        self._linger.timeout.connect(self.clear_message)
        self.hide()

    def show_error(self, text: str) -> None:
        self._linger.stop()
        self.setProperty("tone", "error")
        self._show(text)

    def show_ok(self, text: str) -> None:
        self.setProperty("tone", "ok")
        self._show(text)
        self._linger.start()

    def _show(self, text: str) -> None:
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(sentence(text))
        self.setVisible(bool(text))
        if text and self.isVisible():  # a line on a page not shown scrolls nothing
            self._reveal()

    def _reveal(self) -> None:
        """Scroll every scroll area around the line to it: a page scrolled up (or a short
        window) otherwise answers a click below the fold, and the person sees nothing."""
        area = self.parentWidget()
        while area is not None:
            if isinstance(area, QScrollArea) and area.widget() is not None \
                    and area.widget().isAncestorOf(self):
                area.ensureWidgetVisible(self, 0, REVEAL_MARGIN)
            area = area.parentWidget()

    def clear_message(self) -> None:
        self._linger.stop()
        self.setText("")
        self.hide()

    def clear_on_edit(self, root: QWidget) -> None:
        """Clear the message when any field under root changes: it was about the old value."""
        # Spin boxes and date edits type into a QLineEdit of their own: found here too.
        for edit in root.findChildren(QLineEdit):
            edit.textEdited.connect(self.clear_message)
        for text in (*root.findChildren(QPlainTextEdit), *root.findChildren(QTextEdit)):
            text.textChanged.connect(self.clear_message)
        for combo in root.findChildren(QComboBox):
            combo.activated.connect(self.clear_message)
        for button in root.findChildren(QAbstractButton):
            if button.isCheckable():
                button.toggled.connect(self.clear_message)


def plain_label(text: str = "") -> QLabel:
    """A label whose text is shown as typed: names, reasons and device answers in it must
    not be read as markup (Qt's default guesses, and renders a leading tag)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def value_label() -> QLabel:
    """A detail value as plain text: readers and feeds supply it, so it must not format."""
    label = plain_label()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PasswordEdit(QLineEdit):
    """A password box at least as wide as PASSWORD_SHOWN of its echo dots: a box sized as a
    share of its row scrolled a ten-character password and showed its first dot cut."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setEchoMode(QLineEdit.EchoMode.Password)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), self._dots_width()), hint.height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._dots_width()), hint.height())

    def _dots_width(self) -> int:
        """Measured in the current font and style (the theme sets both), with the frame the
        focus ring widens, as QLineEdit measures its own hint."""
        echo = chr(self.style().styleHint(QStyle.StyleHint.SH_LineEdit_PasswordCharacter,
                                          None, self))
        margins = self.textMargins()
        text = (self.fontMetrics().horizontalAdvance(echo * PASSWORD_SHOWN)
                + 2 * _LINE_EDIT_MARGIN + margins.left() + margins.right())
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        return self.style().sizeFromContents(QStyle.ContentsType.CT_LineEdit, option,
                                             QSize(text, self.fontMetrics().height()),
                                             self).width()


def clear_if_unchanged(edit: QLineEdit, sent: str) -> None:
    """On a write's answer, clear the text sent with it, never what was typed since: the
    answer can land after the next item was chosen and its reason begun."""
    if edit.text() == sent:
        edit.clear()


class _WrappedTextFloor(QObject):
    """At every resize, the window's least height becomes what its layout needs at its new
    width. Qt floors a window at its layout's minimum with its text unwrapped, so a dialog
    made small crushed its wrapped notices into the rows below them."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            layout = watched.layout()
            if layout is not None and layout.hasHeightForWidth():
                need = max(layout.totalHeightForWidth(watched.width()),
                           layout.totalMinimumSize().height())
                if watched.minimumHeight() != need:
                    watched.setMinimumHeight(need)
        return False


def keep_wrapped_text_whole(window: QWidget) -> None:
    """However small the window is made, its wrapped text keeps the lines it needs."""
    window.installEventFilter(_WrappedTextFloor(window))
