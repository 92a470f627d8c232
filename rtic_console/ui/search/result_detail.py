"""Where a selected search result leads: the read's images and details, its place on the
live map, and recorded video of the cameras near it at its time."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.roles import Permission
from rtic_console.services.map_data import DetectionDetail
from rtic_console.services.recordings_near import (
    AROUND,
    NEAR_M,
    RecordedNear,
    recorded_near,
    viewing_purpose_for,
)
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.map.detection_panel import PANEL_WIDTH, DetectionPanel, load_detection
from rtic_console.ui.wall.playback_dialog import PlaybackDialog
from rtic_console.ui.widgets import MessageLine, describe_error

OPEN_AFTER_MS = 250  # a selection held this long opens its read
NEARBY_ROWS = 3  # cameras listed without scrolling; more scroll in the list
OVERVIEW_HEIGHT = 150

class SearchResultDetail(QScrollArea):
    """Opened by selecting a result; every opening of a read is audited (detection.view)."""

    map_requested = Signal(float, float)

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.setObjectName("searchResultDetail")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFixedWidth(PANEL_WIDTH + 24)
        self.detail: DetectionDetail | None = None
        self.search_purpose: str | None = None
        self.case_number = ""
        # A shorter overview than the map's, so the recorded video below fits the pane at
        # 1440 × 900 (pictures keep their shape, narrower).
        self.panel = DetectionPanel(overview_height=OVERVIEW_HEIGHT)
        self.panel.closed.connect(self.hide)
        self.map_button = QPushButton("Show on the live map")
        self.map_button.clicked.connect(self._on_map_clicked)
        self.nearby_title = QLabel(f"Recorded video within {NEAR_M:.0f} m, "
                                   f"±{AROUND.seconds // 60} min")
        self.nearby_title.setObjectName("sectionTitle")
        self.nearby = QListWidget()
        self.nearby.setObjectName("nearbyVideo")
        self.nearby.itemDoubleClicked.connect(lambda _item: self._on_play_clicked())
        self.nearby.hide()  # until there is something to list: the note says why not
        self.nearby_note = QLabel()
        self.nearby_note.setWordWrap(True)
        self.nearby_note.setObjectName("noticeText")
        self.play_button = QPushButton("Play recorded video…")
        self.play_button.clicked.connect(self._on_play_clicked)
        self.play_button.setEnabled(False)
        self.play_button.hide()
        # Last in the pane, it pushes nothing when it shows: no room kept for it.
        self.message = MessageLine(keep_room=False)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.panel)
        column.addWidget(self.map_button)
        column.addWidget(self.nearby_title)
        column.addWidget(self.nearby)
        column.addWidget(self.nearby_note)
        column.addWidget(self.play_button)
        column.addWidget(self.message)
        column.addStretch(1)
        self.setWidget(body)
        self.hide()
        # Arrowing through results opens (and audits) only the read the person stops on.
        self._wanted: tuple[int, str | None, str] | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.timeout.connect(self._open_wanted)

    def open_read(self, detection_id: int, search_purpose: str | None, case_number: str) -> None:
        self._wanted = (detection_id, search_purpose, case_number)
        self._settle.start(OPEN_AFTER_MS)

    @Slot()
    def _open_wanted(self) -> None:
        if self._wanted is None:
            return
        detection_id, search_purpose, case_number = self._wanted
        self.search_purpose, self.case_number = search_purpose, case_number
        self.message.clear_message()
        session = self._session
        session.runner.write(lambda: load_detection(session, detection_id),
                             self._on_detail_loaded, self._on_failed,
                             key=f"search.detail.{id(self)}", owner=self)

    def _on_detail_loaded(self, payload: tuple[DetectionDetail, dict[str, QImage]]) -> None:
        detail, images = payload
        self.detail = detail
        self.panel.show_detail(detail, images)
        placed = detail.latitude is not None and detail.longitude is not None
        self.map_button.setEnabled(placed)
        self.map_button.setToolTip("" if placed else "This read has no place.")
        self._show_nearby([])
        self.show()
        viewing, why_not = viewing_purpose_for(self.search_purpose)
        if not placed:
            self._no_video("This read has no place, so no camera is known to be near it.")
        elif not self._session.may(Permission.VIEW_CAMERAS):
            self._no_video("Your roles do not view camera video (F.2).")
        elif viewing is None:
            self._no_video(f"Recorded video is not offered here: {why_not}.")
        else:
            assert detail.latitude is not None and detail.longitude is not None
            self.nearby_note.setText("Looking for recordings…")
            self._session.query(recorded_near, detail.latitude, detail.longitude,
                                detail.captured_at, owner=self,
                                on_done=lambda found, read=detail.id:
                                self._on_nearby_loaded(read, found),
                                on_error=self._on_failed, key=f"search.near.{id(self)}")

    def _no_video(self, reason: str) -> None:
        self.nearby_note.setText(reason)

    def _show_nearby(self, found: list[RecordedNear]) -> None:
        """The list only when it has rows, as tall as them up to NEARBY_ROWS (a blank box
        said nothing, and its fixed height pushed the rest below the pane's foot)."""
        self.nearby.clear()
        for near in found:
            item = QListWidgetItem(f"{near.camera.code} · {near.camera.name} · "
                                   f"{near.distance_m:.0f} m · {near.segments} segment(s)")
            item.setData(Qt.ItemDataRole.UserRole, near)
            item.setToolTip(item.text())
            self.nearby.addItem(item)
        if found:
            rows = min(len(found), NEARBY_ROWS)
            frame = 2 * self.nearby.frameWidth()
            self.nearby.setFixedHeight(self.nearby.sizeHintForRow(0) * rows + frame)
            self.nearby.setCurrentRow(0)
        self.nearby.setVisible(bool(found))
        self.play_button.setVisible(bool(found))
        self.play_button.setEnabled(bool(found))

    def _on_nearby_loaded(self, read: int, found: list[RecordedNear]) -> None:
        if self.detail is None or self.detail.id != read:
            return  # an earlier read's: the read shown now asked for none (it has no place)
        self._show_nearby(found)
        if found:
            self.nearby_note.setText("Played for evidence collection (F.2) for case "
                                     f"{self.case_number}; the playback is audited.")
        else:
            self.nearby_note.setText("No camera near this read recorded at its time.")

    @Slot()
    def _on_play_clicked(self) -> None:
        item = self.nearby.currentItem()
        viewing, _ = viewing_purpose_for(self.search_purpose)
        if item is None or viewing is None:
            return
        near: RecordedNear = item.data(Qt.ItemDataRole.UserRole)
        dialog = PlaybackDialog(self._session, near.camera, near.start, near.end,
                                purpose=viewing.value, reference=self.case_number,
                                parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    @Slot()
    def _on_map_clicked(self) -> None:
        d = self.detail
        if d is not None and d.latitude is not None and d.longitude is not None:
            self.map_requested.emit(d.latitude, d.longitude)

    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(describe_error(error))
