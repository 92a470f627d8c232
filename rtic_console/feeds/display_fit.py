"""Fitting a frame to its tile as 32-bit pixels (Qt's RGB32 layout) in the capture thread."""

from __future__ import annotations

import ctypes
import sys
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:  # PyAV only for RTSP sources, which load it themselves
    import av
    from av.video.reformatter import VideoReformatter

# Every camera has a capture thread of its own, which is all the parallelism a wall needs.
# OpenCV's own pool splits each small resize across threads that spin while they wait for
# work: on the 16-tile RTSP bench that doubled the CPU of fitting the pictures (0.19 against
# 0.14 CPU s/s for decoding and fitting alike, 2 cores). Process-wide, as OpenCV allows.
cv2.setNumThreads(1)

# Frames of a few MB (a large view's 1024×576 BGRA is 2.4 MB) are allocated 15 times a second
# per camera in one thread and freed in another. glibc's default thresholds adapt to that by
# chance: in some runs every such frame came from a fresh mmap or re-grew a trimmed heap, 8,000
# to 12,000 page faults a second and about 0.03 CPU s/s more for the 16-tile wall (against
# 150 a second once fixed). Fixed thresholds keep frames up to 16 MB in the heaps and return
# free memory to the system only past 32 MB. Process-wide, like the line above.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
if sys.platform == "linux":
    try:
        _mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc
        pass
    else:
        _mallopt(_M_MMAP_THRESHOLD, 16 << 20)
        _mallopt(_M_TRIM_THRESHOLD, 32 << 20)


def fitted_size(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """The largest size inside `box` with the frame's aspect ratio, in even pixels (4:2:0
    chroma covers 2×2 pixels), so a tile paints it with a blit; never below 2×2."""
    if box[0] * height <= box[1] * width:  # the box's width decides (integers: exact)
        fit = box[0], height * box[0] // width
    else:
        fit = width * box[1] // height, box[1]
    return max(2, fit[0] // 2 * 2), max(2, fit[1] // 2 * 2)


def _plane(plane: av.video.plane.VideoPlane) -> np.ndarray:
    """A decoder's plane as an array, without copying it (rows may be padded)."""
    return np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[:plane.height,
                                                                       :plane.width]


# Colour spaces OpenCV's I420 conversion implements (BT.601, limited range), as FFmpeg
# numbers them: unspecified (swscale takes it as BT.601 too), BT.470BG, SMPTE 170M.
_OPENCV_COLORSPACES = frozenset({2, 5, 6})
_LIMITED_RANGES = frozenset({0, 1})  # unspecified, MPEG


def fit_picture(frame: av.VideoFrame, box: tuple[int, int],
                reformatter: VideoReformatter) -> np.ndarray:
    """A decoded picture straight to BGRA at `fitted_size`, C-contiguous (QImage wraps it).

    BT.601 4:2:0 pictures (what sub-streams send) are scaled plane by plane, then converted
    at the tile's size: 1.5 bytes a pixel are scaled instead of 4, and swscale's own scaling
    to an arbitrary size costs three times as much (measured: 0.15 against 0.55 ms for
    640×360 to 394×222). Anything else (BT.709 main streams, full range, other formats) goes
    through swscale, which honours the picture's colour space: OpenCV's conversion would
    shift a BT.709 picture's colours.
    """
    width, height = fitted_size(frame.width, frame.height, box)
    if frame.format.name != "yuv420p" or frame.width % 2 or frame.height % 2 \
            or frame.colorspace not in _OPENCV_COLORSPACES \
            or frame.color_range not in _LIMITED_RANGES:
        picture = reformatter.reformat(frame, width, height, "bgra", threads=1).to_ndarray()
        return np.ascontiguousarray(picture)  # swscale pads its rows
    luma, quarter = width * height, (width // 2) * (height // 2)
    out = np.empty(luma + 2 * quarter, np.uint8)
    y, u, v = frame.planes
    cv2.resize(_plane(y), (width, height), dst=out[:luma].reshape(height, width),
               interpolation=cv2.INTER_LINEAR)
    for plane, start in ((u, luma), (v, luma + quarter)):
        cv2.resize(_plane(plane), (width // 2, height // 2),
                   dst=out[start:start + quarter].reshape(height // 2, width // 2),
                   interpolation=cv2.INTER_LINEAR)
    return cv2.cvtColor(out.reshape(height * 3 // 2, width), cv2.COLOR_YUV2BGRA_I420)


class DisplayFit:
    """Fits a frame inside `size`, keeping its aspect ratio, as BGRA (Qt's RGB32 layout).

    The last step of a CaptureWorker's frames: OpenCV scales and converts with the GIL
    released, on the capture thread, so the GUI thread only copies pixels to the screen. A
    frame a source already fitted (BGRA at `fitted_size`) passes through untouched. `size`
    may be changed from any thread (the tile does when it is resized).
    """

    def __init__(self, size: tuple[int, int] | None = None) -> None:
        self.size = size

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        size = self.size
        height, width = frame.shape[:2]
        if size is not None:
            target = fitted_size(width, height, size)
            if target != (width, height):
                frame = cv2.resize(frame, target, interpolation=cv2.INTER_AREA
                                   if target[0] < width else cv2.INTER_LINEAR)
        if frame.ndim == 3 and frame.shape[2] == 4:
            return frame
        return cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA)
