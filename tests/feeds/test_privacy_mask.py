"""Privacy masks black out exactly their polygons, at any frame size."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtic_console.feeds.privacy_mask import PrivacyMask

SQUARE = [(0.25, 0.25), (0.5, 0.25), (0.5, 0.5), (0.25, 0.5)]


def noise(height: int = 360, width: int = 640) -> np.ndarray:
    # Never 0, so any 0 in a masked frame was written by the mask.
    return np.random.default_rng(7).integers(1, 256, (height, width, 3), dtype=np.uint8)


@pytest.mark.policy("G.3.c")
def test_masked_pixels_are_exactly_zero_and_the_rest_untouched() -> None:
    frame = noise()
    original = frame.copy()
    out = PrivacyMask([SQUARE]).apply(frame)
    assert out is frame  # in place
    assert not frame[90:180, 160:320].any()
    outside = np.ones(frame.shape[:2], bool)
    outside[89:181, 159:321] = False  # edges may round outwards by one pixel, never inwards
    assert np.array_equal(frame[outside], original[outside])


@pytest.mark.parametrize(("height", "width"), [(180, 320), (720, 1280), (1080, 1920)])
def test_mask_follows_a_resolution_change(height: int, width: int) -> None:
    mask = PrivacyMask([SQUARE])
    mask(noise())
    frame = mask(noise(height, width))
    top, left, bottom, right = height // 4, width // 4, height // 2, width // 2
    assert not frame[top:bottom, left:right].any()
    assert frame[:top - 1].all() and frame[bottom + 1:].all()
    assert frame[:, :left - 1].all() and frame[:, right + 1:].all()


def test_whole_frame_polygon_blacks_out_everything() -> None:
    frame = PrivacyMask([[(0, 0), (1, 0), (1, 1), (0, 1)]]).apply(noise())
    assert not frame.any()


def test_polygon_reaching_outside_the_frame_is_clipped_not_distorted() -> None:
    # The left half of a diamond centred on the left edge: a triangle inside the frame.
    diamond = [(-0.5, 0.5), (0.0, 0.0), (0.5, 0.5), (0.0, 1.0)]
    mask = PrivacyMask([diamond])
    assert len(mask.polygons) == 1
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in mask.polygons[0])
    frame = mask(noise(400, 400))
    assert not frame[200, :195].any()  # the diamond's widest row, up to its right tip
    assert frame[10, 50:].all()  # near the top only the sliver left of x=10 is masked


def test_polygon_entirely_outside_or_degenerate_is_ignored() -> None:
    mask = PrivacyMask([
        [(1.5, 1.5), (2.0, 1.5), (2.0, 2.0)],  # outside
        [(0.1, 0.1), (0.2, 0.2)],  # two points
        [(0.1, 0.1), (0.2, 0.2), (0.3, 0.3)],  # no area
        [(0.1, 0.1), (0.2, float("nan")), (0.3, 0.1)],
        [(0.1, 0.1), ("a", 0.2), (0.3, 0.1)],
    ])
    assert not mask
    frame = noise()
    original = frame.copy()
    assert np.array_equal(mask(frame), original)


def test_single_channel_frames_are_masked_too() -> None:
    frame = noise()[:, :, 0].copy()
    PrivacyMask([SQUARE]).apply(frame)
    assert not frame[90:180, 160:320].any()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.floats(-1, 2), st.floats(-1, 2)), min_size=0, max_size=7),
                max_size=3))
def test_any_polygons_only_ever_zero_pixels(polygons: list[list[tuple[float, float]]]) -> None:
    frame = noise(90, 160)
    original = frame.copy()
    PrivacyMask(polygons).apply(frame)
    changed = frame != original
    assert not frame[changed].any()
