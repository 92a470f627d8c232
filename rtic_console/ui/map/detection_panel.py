"""The side panel of one read's images and details: beside the map, opened by a click on
the read, and beside the search results, opened by selecting one."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.checklist import INFORMATIONAL_NOTE, STOP_WARNING
from rtic_console.services.map_data import DetectionDetail, MapHit, detection_detail
from rtic_console.services.runner import perform
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.hits.hit_detail_panel import ImageBox
from rtic_console.ui.hits.plate_text import compass
from rtic_console.ui.widgets import value_label

PANEL_WIDTH = 360
OVERVIEW_HEIGHT = 190  # 16:9 at the panel's width


def _hit_line(hit: MapHit) -> str:
    match = (f"APPROXIMATE — {hit.substitutions} OCR-equivalent character(s) differ"
             if hit.approximate else "exact match")
    return (f"<b>Hit #{hit.id}</b> on {escape(hit.list_name)}: listed "
            f"<b>{escape(hit.listed_plate)}</b>, {match}; {escape(hit.status.replace('_', ' '))}"
            + (" (informational only)" if hit.informational else ""))


def load_detection(session: ConsoleSession,
                   detection_id: int) -> tuple[DetectionDetail, dict[str, QImage]]:
    """Runs on the writer thread (the opening is audited); JPEGs are decoded there too."""
    detail = perform(session.db, session.ctx, detection_detail, detection_id)
    return detail, {kind: QImage.fromData(data) for kind, data in detail.images.items()}


class DetectionPanel(QWidget):
    closed = Signal()

    def __init__(self, parent: QWidget | None = None,
                 overview_height: int = OVERVIEW_HEIGHT) -> None:
        super().__init__(parent)
        self.setObjectName("detectionPanel")
        self.setFixedWidth(PANEL_WIDTH)
        self.detection_id: int | None = None
        self.plate = QLabel()
        self.plate.setObjectName("plateText")
        close = QPushButton("Close")
        close.clicked.connect(self._on_close_clicked)
        header = QHBoxLayout()
        header.addWidget(self.plate, 1)
        header.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.warning = QLabel(STOP_WARNING)
        self.warning.setObjectName("stopWarning")
        self.warning.setWordWrap(True)
        self.info_note = QLabel(INFORMATIONAL_NOTE)
        self.info_note.setObjectName("informationalNote")
        self.info_note.setWordWrap(True)
        self.hits = QLabel()
        self.hits.setWordWrap(True)
        self.hits.setTextFormat(Qt.TextFormat.RichText)
        self.plate_image = ImageBox("plate image", PANEL_WIDTH - 24, 90)
        self.overview_image = ImageBox("overview image", PANEL_WIDTH - 24, overview_height)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key in ("time", "reader", "place", "state", "confidence", "direction", "vehicle",
                    "also read as"):
            value = value_label()
            self.fields[key] = value
            form.addRow(key.capitalize(), value)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.warning)
        layout.addWidget(self.info_note)
        layout.addWidget(self.hits)
        layout.addWidget(self.plate_image)
        layout.addWidget(self.overview_image)
        layout.addLayout(form)
        layout.addStretch(1)

    def show_detail(self, detail: DetectionDetail, images: dict[str, QImage]) -> None:
        self.detection_id = detail.id
        self.plate.setText(detail.plate)
        self.warning.setVisible(bool(detail.hits))
        self.info_note.setVisible(any(h.informational for h in detail.hits))
        self.hits.setText("<br>".join(_hit_line(h) for h in detail.hits)
                          or "No hit on this read.")
        f = self.fields
        f["time"].setText(detail.captured_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"))
        f["reader"].setText(f"{detail.device_code or ''} {detail.device_name}".strip())
        f["place"].setText(detail.place)
        f["state"].setText(detail.state or "not read")
        f["confidence"].setText(f"{detail.confidence:.0%}")
        f["direction"].setText(compass(detail.direction_deg))
        f["vehicle"].setText(", ".join(str(v) for v in detail.vehicle.values() if v)
                             or "not reported")
        f["also read as"].setText(", ".join(detail.candidates) or "—")
        self.plate_image.show_image(images.get("plate"))
        self.overview_image.show_image(images.get("overview") or images.get("vehicle"))
        self.show()

    def _on_close_clicked(self) -> None:
        self.detection_id = None
        self.hide()
        self.closed.emit()
