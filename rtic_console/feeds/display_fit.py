"""Scaling a frame to its tile and converting it to 32-bit in the capture thread."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

Transform = Callable[[np.ndarray], np.ndarray]


class DisplayFit:
    """Fits a frame inside `size`, keeping its aspect ratio, as BGRA (Qt's RGB32 layout).

    Run as the last step of a CaptureWorker transform: OpenCV scales and converts with the
    GIL released, on the capture thread, so the GUI thread only copies pixels to the screen.
    `size` may be changed from any thread (the tile does when it is resized).
    """

    def __init__(self, size: tuple[int, int] | None = None) -> None:
        self.size = size

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        size = self.size
        if size is not None:
            height, width = frame.shape[:2]
            scale = min(size[0] / width, size[1] / height)
            target = (max(1, round(width * scale)), max(1, round(height * scale)))
            if target != (width, height):
                frame = cv2.resize(frame, target, interpolation=cv2.INTER_AREA if scale < 1
                                   else cv2.INTER_LINEAR)
        return cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA)


def chain(first: Transform | None, then: Transform) -> Transform:
    """`first` (a privacy mask) always runs before `then`, so no unmasked pixel is scaled."""
    if first is None:
        return then
    return lambda frame: then(first(frame))
