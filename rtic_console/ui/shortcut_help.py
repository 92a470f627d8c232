"""A help overlay over an area listing its keyboard shortcuts (F1 or ?), closed by any key."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

# A section's title, then its rows: the keys as shown, and what they do.
Section = tuple[str, Sequence[tuple[str, str]]]


class ShortcutHelpOverlay(QWidget):
    """Covers its area, dimmed, with a card of the shortcuts; takes focus while shown and
    gives it back where it was when closed. Colours come from the palette (the theme)."""

    def __init__(self, area: QWidget, title: str, sections: Sequence[Section]) -> None:
        super().__init__(area)
        self.setObjectName("shortcutHelp")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._return_to: QWidget | None = None
        card = QFrame()
        card.setObjectName("shortcutHelpCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setAutoFillBackground(True)
        heading = QLabel(title)
        font = heading.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(6)
        key_font = QFont("DejaVu Sans Mono")
        key_font.setBold(True)
        row = 0
        for caption, rows in sections:
            section = QLabel(caption)
            section.setObjectName("shortcutHelpSection")
            bold = section.font()
            bold.setBold(True)
            section.setFont(bold)
            if row:
                grid.setRowMinimumHeight(row, section.sizeHint().height() * 2)
            grid.addWidget(section, row, 0, 1, 2, Qt.AlignmentFlag.AlignBottom)
            row += 1
            for keys, does in rows:
                key = QLabel(keys)
                key.setFont(key_font)
                key.setObjectName("shortcutKeys")
                grid.addWidget(key, row, 0)
                grid.addWidget(QLabel(does), row, 1)
                row += 1
        footer = QLabel("Press any key to close this help.")
        footer.setObjectName("shortcutHelpFooter")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 20, 28, 20)
        inner.setSpacing(14)
        inner.addWidget(heading)
        inner.addLayout(grid)
        inner.addWidget(footer)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.hide()
        area.installEventFilter(self)

    def toggle(self) -> None:
        if self.isVisible():
            self.close_help()
        else:
            self.open_help()

    def open_help(self) -> None:
        focused = self.window().focusWidget()
        self._return_to = focused if focused is not self else None
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_help(self) -> None:
        self.hide()
        back, self._return_to = self._return_to, None
        if back is not None and back.isVisible() and back.isEnabled():
            back.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return super().eventFilter(watched, event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        shade = QColor(self.palette().color(self.palette().ColorRole.Shadow))
        shade.setAlpha(150)
        painter.fillRect(self.rect(), shade)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() not in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt,
                               Qt.Key.Key_Meta):
            self.close_help()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.close_help()

    def focusNextPrevChild(self, next: bool) -> bool:
        self.close_help()  # Tab does not wander behind the help
        return True
