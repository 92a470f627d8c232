"""Fitting decoded pictures to a tile: the size rule, and the one-pass 4:2:0 path against
swscale's own conversion of the same picture."""

from __future__ import annotations

import av
import numpy as np
import pytest
from av.video.reformatter import VideoReformatter

from rtic_console.feeds.display_fit import DisplayFit, fit_picture, fitted_size


def _picture(width: int, height: int, pix_fmt: str) -> av.VideoFrame:
    """Smooth gradients with a sharp square: colour and scaling errors both show."""
    y, x = np.mgrid[0:height, 0:width]
    bgr = np.dstack([x * 255 // width, y * 255 // height, (x + y) * 127 // (width + height)])
    bgr[height // 4: height // 2, width // 4: width // 2] = (20, 200, 240)
    return av.VideoFrame.from_ndarray(bgr.astype(np.uint8), format="bgr24").reformat(
        format=pix_fmt)


@pytest.mark.parametrize(("size", "box", "fitted"), [
    ((640, 360), (395, 230), (394, 222)), ((1920, 1080), (1024, 560), (994, 560)),
    ((640, 360), (640, 360), (640, 360)), ((4, 3), (1, 1), (2, 2))])
def test_fitted_size_keeps_the_aspect_ratio_in_even_pixels_inside_the_box(size, box,
                                                                        fitted) -> None:
    assert fitted_size(*size, box) == fitted
    assert fitted_size(*fitted, box) == fitted  # a fitted frame is not scaled again


@pytest.mark.parametrize(("pix_fmt", "colorspace"), [
    ("yuv420p", 6), ("yuv420p", 2), ("yuv420p", 1), ("yuv444p", 6), ("yuvj420p", 6)])
def test_a_picture_is_fitted_as_swscale_would_convert_it(pix_fmt: str,
                                                         colorspace: int) -> None:
    """Colour space 1 is BT.709 (HD main streams), 6 SMPTE 170M, 2 unspecified."""
    frame = _picture(640, 360, pix_fmt)
    frame.colorspace = colorspace
    fitted = fit_picture(frame, (395, 230), VideoReformatter())
    reference = frame.reformat(394, 222, "bgra").to_ndarray()
    assert fitted.shape == (222, 394, 4) and fitted.dtype == np.uint8
    assert fitted.flags.c_contiguous, "QImage wraps the buffer with no copy"
    assert (fitted[..., 3] == 255).all(), "opaque: Qt's RGB32 ignores it, a blend would not"
    difference = np.abs(fitted[..., :3].astype(int) - reference[..., :3].astype(int))
    assert difference.mean() < 3 and np.percentile(difference, 99) < 40  # edges differ most


def test_display_fit_passes_a_fitted_frame_through_and_fits_any_other() -> None:
    fit = DisplayFit((395, 230))
    fitted = np.zeros((222, 394, 4), np.uint8)
    assert fit(fitted) is fitted
    assert fit(np.zeros((180, 320, 3), np.uint8)).shape == (222, 394, 4)
