"""The playback view's caption sits on a bar of its own above the picture: laid over the
picture it hid the camera's own timestamp in the frame's top rows."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from rtic_console.ui.wall.playback_dialog import CAPTION_HEIGHT, PlaybackView


def test_the_frames_top_rows_show_below_the_caption(qtbot) -> None:
    view = PlaybackView()
    qtbot.addWidget(view)
    view.resize(640, 360 + CAPTION_HEIGHT)
    frame = np.zeros((360, 640, 3), np.uint8)
    frame[:20] = 255  # where a camera burns in its timestamp
    view.show_frame(frame, "CAM-AG-01 · recorded 2026-12-07 04:34:25")
    image = view.grab().toImage()
    assert QColor(image.pixel(320, CAPTION_HEIGHT + 5)).lightness() > 240, \
        "the frame's top rows are shown, not covered"
    assert QColor(image.pixel(320, CAPTION_HEIGHT // 2)).lightness() < 60, "the caption bar"
