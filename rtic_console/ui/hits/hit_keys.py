"""The hit queue's keyboard: a dispatcher works a hit from arrival to confirmation on these
keys alone, and F1 or ? lists them over the area."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QTableView, QWidget

from rtic_console.ui.hits.checklist_panel import ChecklistPanel
from rtic_console.ui.shortcut_help import Section, ShortcutHelpOverlay


@dataclass(frozen=True)
class HitKey:
    keys: tuple[str, ...]  # QKeySequence's portable text; the first is the one to learn
    does: str
    # Bound too, not shown: how some keyboards deliver the same key ("?" is Shift+/).
    aliases: tuple[str, ...] = ()


# Bound to the hit queue area only (they never fire on another screen), in the help's order.
HIT_KEYS: dict[str, HitKey] = {
    "next_hit": HitKey(("Ctrl+Down",), "Next hit (the most urgent when none is selected)"),
    "previous_hit": HitKey(("Ctrl+Up",), "Previous hit"),
    "claim": HitKey(("F2",), "Claim the selected hit"),
    "record": HitKey(("Ctrl+Return",), "Record the step you are on"),
    "attach": HitKey(("F3",), "Attach the CLETS/NCIC results file (step 2)"),
    "confirm": HitKey(("F9",), "Confirm the hit, once its four steps are recorded"),
    "close": HitKey(("F8",), "Close the hit: choose how, Tab, type the reason, Return"),
    "queue": HitKey(("Esc",), "Back to the queue"),
    "help": HitKey(("F1", "?"), "Show or hide these shortcuts", aliases=("Shift+?",)),
}

# What the fields and buttons themselves do with keys.
FIELD_KEYS: tuple[tuple[str, str], ...] = (
    ("Up / Down", "In the queue: previous / next hit"),
    ("Tab / Shift+Tab", "Next / previous field (the CLETS and NCIC boxes too)"),
    ("Return", "In a step's fields: record that step; on a button: press it"),
    ("Shift+Return", "A new line in the CLETS or NCIC box"),
    ("Space", "Press the focused button, tick the focused box"),
    ("Alt+Down", "Open the focused list (outcome, direction, closing)"),
)


def shown(key: HitKey) -> str:
    """The keys as this platform names them."""
    return " or ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)
                       for k in key.keys)


def help_sections() -> list[Section]:
    return [("Anywhere in the hit queue", [(shown(k), k.does) for k in HIT_KEYS.values()]),
            ("In the fields", list(FIELD_KEYS))]


class HitQueueKeys(QObject):
    """HIT_KEYS as actions of the area (WidgetWithChildrenShortcut): each calls what its
    button does, only when that button is offered. While the help is shown, a key closes it
    and does nothing else."""

    def __init__(self, area: QWidget, table: QTableView, checklist: ChecklistPanel,
                 claim: Callable[[], None] | None = None) -> None:
        super().__init__(area)
        self._table = table
        self.help = ShortcutHelpOverlay(area, "Keyboard: the hit queue", help_sections())
        handlers: dict[str, Callable[[], None]] = {
            "next_hit": lambda: self._select(+1), "previous_hit": lambda: self._select(-1),
            "claim": claim or checklist.claim, "record": checklist.record_current_step,
            "attach": checklist.attach, "confirm": checklist.confirm,
            "close": checklist.start_closing, "queue": self.focus_queue,
        }
        self.actions: dict[str, QAction] = {}
        for name, key in HIT_KEYS.items():
            action = QAction(key.does, area)
            action.setShortcuts([QKeySequence(k) for k in (*key.keys, *key.aliases)])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            handler = self.help.toggle if name == "help" else self._unless_help(handlers[name])
            action.triggered.connect(handler)
            area.addAction(action)
            self.actions[name] = action
        checklist.focus_released.connect(self.focus_queue)

    def _unless_help(self, handler: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if self.help.isVisible():
                self.help.close_help()
            else:
                handler()
        return run

    @Slot()
    def focus_queue(self) -> None:
        self._table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _select(self, by: int) -> None:
        """The row `by` from the selected one; the top (most urgent) when none is."""
        table = self._table
        count = table.model().rowCount()
        table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not count:
            return
        selected = table.selectionModel().selectedRows()
        row = min(max(selected[0].row() + by, 0), count - 1) if selected else 0
        if not selected:
            table.selectionModel().clear()  # so selecting the current row counts as a change
        table.selectRow(row)
        table.scrollTo(table.model().index(row, 0))
