"""The searchable camera list, grouped by category and area; cameras drag onto tiles."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from rtic_console.domain.devices import CATEGORY_TITLES
from rtic_console.services.cameras import CameraView
from rtic_console.ui.wall.camera_tile import camera_mime

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class CameraTree(QTreeWidget):
    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:  # type: ignore[override]
        device_id = items[0].data(0, ID_ROLE) if items else None
        return camera_mime(int(device_id)) if device_id is not None else QMimeData()


class CameraListWidget(QWidget):
    camera_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search cameras")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)
        self.tree = CameraTree()
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.itemActivated.connect(self._on_item_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        self.cameras: dict[int, CameraView] = {}

    def set_cameras(self, cameras: list[CameraView]) -> None:
        self.cameras = {c.id: c for c in cameras}
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        areas: dict[tuple[str, str], QTreeWidgetItem] = {}
        for camera in sorted(cameras, key=lambda c: (c.category.value, c.area, c.name)):
            title = CATEGORY_TITLES[camera.category]
            group = groups.get(title)
            if group is None:
                group = groups[title] = QTreeWidgetItem(self.tree, [title])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            area = areas.get((title, camera.area))
            if area is None:
                area = areas[(title, camera.area)] = QTreeWidgetItem(group, [camera.area or "—"])
                area.setFlags(Qt.ItemFlag.ItemIsEnabled)
            status = "" if camera.in_service else f" ({camera.status})"
            item = QTreeWidgetItem(area, [f"{camera.code}  {camera.name}{status}"])
            item.setData(0, ID_ROLE, camera.id)
            item.setToolTip(0, f"{camera.address}\n{camera.display_url}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsDragEnabled)
        self.tree.expandAll()
        self._apply_filter(self.search.text())

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            group_visible = False
            for j in range(group.childCount()):
                area = group.child(j)
                area_visible = False
                for k in range(area.childCount()):
                    item = area.child(k)
                    camera = self.cameras[int(item.data(0, ID_ROLE))]
                    hay = f"{camera.code} {camera.name} {camera.area} {camera.address}".lower()
                    shown = not needle or needle in hay
                    item.setHidden(not shown)
                    area_visible |= shown
                area.setHidden(not area_visible)
                group_visible |= area_visible
            group.setHidden(not group_visible)

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        device_id = item.data(0, ID_ROLE)
        if device_id is not None:
            self.camera_activated.emit(int(device_id))
