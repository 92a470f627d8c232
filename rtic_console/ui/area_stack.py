"""The person's work areas, each built on its first visit (eager ones at sign-in): a screen
the person never opens costs nothing and asks nothing (the wall asks for a purpose only when
it is shown)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QStackedWidget, QWidget

from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.work_areas import WorkArea


class AreaStack(QStackedWidget):
    built = Signal(str, QWidget)  # an area was just built: link it, restore its panes
    area_shown = Signal(str)

    def __init__(self, session: ConsoleSession, areas: Sequence[WorkArea]) -> None:
        super().__init__()
        self._session = session
        self._defs = {a.key: a for a in areas}
        self._pages: dict[str, QScrollArea] = {}
        self.built_areas: dict[str, QWidget] = {}
        for area in areas:
            # An area wider than the screen (the wall's toolbar beside the navigation on a
            # 1440 px monitor) scrolls rather than pushing the window off the screen.
            page = QScrollArea()
            page.setObjectName(f"page_{area.key}")
            page.setWidgetResizable(True)
            page.setFrameShape(QFrame.Shape.NoFrame)
            self.addWidget(page)
            self._pages[area.key] = page

    def has(self, key: str) -> bool:
        return key in self._defs

    def keys(self) -> list[str]:
        return list(self._defs)

    def area(self, key: str) -> QWidget:
        """The area's widget, built now if this is its first use."""
        widget = self.built_areas.get(key)
        if widget is None:
            widget = self._defs[key].build(self._session)
            widget.setObjectName(f"area_{key}")
            self.built_areas[key] = widget
            self._pages[key].setWidget(widget)
            self.built.emit(key, widget)
        return widget

    def show_area(self, key: str) -> QWidget:
        widget = self.area(key)
        self.setCurrentWidget(self._pages[key])
        self.area_shown.emit(key)
        return widget

    def current_key(self) -> str | None:
        page = self.currentWidget()
        return next((k for k, p in self._pages.items() if p is page), None)


class LazyAreas(Mapping[str, QWidget]):
    """The person's areas by key; looking one up builds it."""

    def __init__(self, stack: AreaStack) -> None:
        self._stack = stack

    def __getitem__(self, key: str) -> QWidget:
        if not self._stack.has(key):
            raise KeyError(key)
        return self._stack.area(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._stack.keys())

    def __len__(self) -> int:
        return len(self._stack.keys())
