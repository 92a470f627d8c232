"""The side navigation: the person's work areas under their workspace's heading, each with
the count of what waits in it ("Inbox (3)")."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QSizePolicy

from rtic_console.ui.work_areas import WorkArea, Workspace

KEY = Qt.ItemDataRole.UserRole


class AreaNavigation(QListWidget):
    area_chosen = Signal(str)

    def __init__(self, areas: Sequence[WorkArea]) -> None:
        super().__init__()
        self.setObjectName("areaNav")
        self.setAccessibleName("Work areas")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._items: dict[str, QListWidgetItem] = {}
        self._titles: dict[str, str] = {}
        for number, workspace in enumerate(Workspace, start=1):
            mine = [a for a in areas if a.workspace is workspace]
            if not mine:
                continue
            heading = QListWidgetItem(workspace.value.upper())
            heading.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading: keys and clicks skip it
            heading.setToolTip(f"{workspace.value} (Ctrl+{number})")
            self.addItem(heading)
            for area in mine:
                item = QListWidgetItem(area.title)
                item.setData(KEY, area.key)
                self.addItem(item)
                self._items[area.key] = item
                self._titles[area.key] = area.title
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self._fit_width()
        self.currentItemChanged.connect(self._on_current_changed)

    def keys(self) -> list[str]:
        """The areas in the order they are listed (Ctrl+PgUp/PgDn walk this order)."""
        return list(self._items)

    def select(self, key: str) -> None:
        item = self._items.get(key)
        if item is not None and self.currentItem() is not item:
            self.setCurrentItem(item)

    def set_count(self, key: str, count: int) -> None:
        item = self._items.get(key)
        if item is not None:
            title = self._titles[key]
            item.setText(f"{title} ({count})" if count else title)
            self._fit_width()

    def text_of(self, key: str) -> str:
        return self._items[key].text()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_width()

    def _fit_width(self) -> None:
        """As wide as the longest entry with its count, whatever the text size."""
        self.setFixedWidth(max(150, self.sizeHintForColumn(0) + 2 * self.frameWidth() + 12))

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_current_changed(self, current: QListWidgetItem | None,
                            _previous: QListWidgetItem | None) -> None:
        key = current.data(KEY) if current is not None else None
        if isinstance(key, str):
            self.area_chosen.emit(key)
