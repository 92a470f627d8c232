"""Shared widgets: text that readers and feeds supply is shown as it came, never formatted."""

from __future__ import annotations

from PySide6.QtCore import Qt

from rtic_console.ui.hits.hit_detail_panel import HitDetailPanel
from rtic_console.ui.map.detection_panel import DetectionPanel
from rtic_console.ui.widgets import value_label


def test_detail_values_are_plain_text(qtbot) -> None:
    label = value_label()
    qtbot.addWidget(label)
    label.setText("<b>red</b> <img src='file:///etc/passwd'>")
    assert label.textFormat() is Qt.TextFormat.PlainText
    assert label.text().startswith("<b>red</b>")


def test_hit_and_read_panels_show_reader_text_plainly(qtbot) -> None:
    for panel in (HitDetailPanel(), DetectionPanel()):
        qtbot.addWidget(panel)
        assert panel.fields["vehicle"].textFormat() is Qt.TextFormat.PlainText
