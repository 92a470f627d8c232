"""A hit's evidence: images, the read beside the listed plate, where, when, and the warnings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from rtic_console.domain.checklist import INFORMATIONAL_NOTE, STOP_WARNING
from rtic_console.services.hits import HitDetail
from rtic_console.ui.hits.plate_text import compass, plate_diff_html
from rtic_console.ui.widgets import value_label


def sightings_text(detail: HitDetail) -> str:
    """The later reads of the same vehicle grouped under this hit, newest last."""
    if not detail.sightings:
        return "—"
    lines = [f"seen again {len(detail.sightings)}×:"]
    lines += [f"{s.captured_at.astimezone():%H:%M:%S}  {s.reader} · {s.place}  {s.read_plate}"
              + (f" (≈{s.substitutions})" if s.substitutions else "")
              for s in detail.sightings]
    return "\n".join(lines)


class ImageBox(QLabel):
    def __init__(self, caption: str, width: int, height: int) -> None:
        super().__init__()
        self._caption = caption
        self._size = (width, height)
        self.setFixedSize(width, height)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setObjectName("evidenceImage")
        self.show_image(None)

    def show_image(self, image: QImage | None) -> None:
        if image is None or image.isNull():
            self.setPixmap(QPixmap())
            self.setText(f"No {self._caption}")
            return
        self.setPixmap(QPixmap.fromImage(image).scaled(
            *self._size, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))


class HitDetailPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.warning = QLabel(STOP_WARNING)
        self.warning.setObjectName("stopWarning")
        self.warning.setWordWrap(True)
        self.info_note = QLabel(INFORMATIONAL_NOTE)
        self.info_note.setObjectName("informationalNote")
        self.info_note.setWordWrap(True)
        self.match_note = QLabel()
        self.match_note.setObjectName("matchNote")
        self.match_note.setWordWrap(True)
        self.plate_image = ImageBox("plate image", 240, 90)
        self.overview_image = ImageBox("overview image", 320, 180)
        images = QHBoxLayout()
        images.addWidget(self.plate_image, 0, Qt.AlignmentFlag.AlignTop)
        images.addWidget(self.overview_image, 0, Qt.AlignmentFlag.AlignTop)
        images.addStretch(1)

        self.read_plate = QLabel()
        self.listed_plate = QLabel()
        for label in (self.read_plate, self.listed_plate):
            label.setObjectName("plateText")
            label.setTextFormat(Qt.TextFormat.RichText)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.addRow("Read", self.read_plate)
        form.addRow("Hot list", self.listed_plate)
        for key in ("match", "state", "reason", "case", "list", "reader", "place", "time",
                    "direction", "vehicle", "narrative", "hold", "sightings"):
            value = value_label()
            self.fields[key] = value
            form.addRow(key.capitalize(), value)

        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.info_note)
        layout.addWidget(self.match_note)
        layout.addLayout(images)
        layout.addLayout(form)
        layout.addStretch(1)
        self.show_detail(None, {})

    def show_detail(self, detail: HitDetail | None, images: dict[str, QImage]) -> None:
        self.setEnabled(detail is not None)
        if detail is None:
            self.info_note.hide()
            self.match_note.setText("Select a hit to see its evidence.")
            for label in (self.read_plate, self.listed_plate, *self.fields.values()):
                label.clear()
            self.plate_image.show_image(None)
            self.overview_image.show_image(None)
            return
        h = detail.hit
        self.info_note.setVisible(h.informational)
        read_html, listed_html = plate_diff_html(h.read_plate, h.listed_plate)
        self.read_plate.setText(read_html)
        self.listed_plate.setText(listed_html)
        if h.approximate:
            self.match_note.setText(
                f"APPROXIMATE MATCH: {h.substitutions} OCR-equivalent character(s) differ "
                "(highlighted). Compare the plate photo with the listed plate first.")
            self.match_note.setProperty("tone", "warn")
        else:
            self.match_note.setText("Exact match of the plate text.")
            self.match_note.setProperty("tone", "ok")
        self.match_note.style().unpolish(self.match_note)
        self.match_note.style().polish(self.match_note)
        source = "the reader's best read" if h.candidate_index is None else (
            f"alternative reading #{h.candidate_index} (best read was {h.best_plate})")
        f = self.fields
        f["match"].setText(f"{'exact' if not h.approximate else 'approximate'} · from {source}"
                           f" · confidence {h.confidence:.0%}")
        f["state"].setText(
            f"read {h.read_state or 'unknown'}, listed {h.listed_state or 'any'}"
            + (" — STATE DIFFERS" if h.state_mismatch else ""))
        f["reason"].setText(h.reason.replace("_", " "))
        f["case"].setText(h.case_number or (f"XREF {h.xref}" if h.xref else "—"))
        f["list"].setText(h.list_name)
        f["reader"].setText(f"{h.device_code or ''} {h.device_name}".strip() + (
            " — OUT OF SERVICE when it read this plate (reported damaged or taken off, B.2): "
            "weigh the read accordingly" if h.device_out_of_service else ""))
        f["place"].setText(h.place)
        f["time"].setText(h.captured_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"))
        f["direction"].setText(compass(h.direction_deg))
        vehicle = ", ".join(str(v) for v in detail.vehicle.values() if v) or "not reported"
        f["vehicle"].setText(vehicle)
        f["narrative"].setText(h.narrative or "—")
        f["hold"].setText(f"⚑ held for case {', '.join(detail.held_for)}: kept past retention"
                          if detail.held_for else "—")
        f["sightings"].setText(sightings_text(detail))
        self.plate_image.show_image(images.get("plate"))
        self.overview_image.show_image(images.get("overview") or images.get("vehicle"))
