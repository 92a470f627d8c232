"""The simulated PTZ camera's scene and where a view of it is cropped (standard library only:
the RTSP camera server runs it under the system Python)."""

from __future__ import annotations

import pytest

from rtic_console.feeds.ptz_scene import HEIGHT, WIDTH, crop_box, render_scene


def size(box: tuple[int, int, int, int]) -> tuple[int, int]:
    left, top, right, bottom = box
    return WIDTH - left - right, HEIGHT - top - bottom


def test_home_is_the_middle_of_the_scene_in_the_pictures_shape() -> None:
    box = crop_box(0.0, 0.0, 0.5)
    assert box[0] == box[2] and box[1] == box[3]
    width, height = size(box)
    assert width / height == pytest.approx(16 / 9, rel=0.01)
    assert all(v % 2 == 0 for v in box), "even, for I420"


def test_up_is_up_and_zoom_narrows() -> None:
    left, top, _, _ = crop_box(0.5, 0.5, 0.5)
    home_left, home_top, _, _ = crop_box(0.0, 0.0, 0.5)
    assert left > home_left and top < home_top, "pan right moves right, tilt up moves up"
    assert size(crop_box(0.0, 0.0, 0.05))[0] < size(crop_box(0.0, 0.0, 0.5))[0] / 9


@pytest.mark.parametrize("pan, tilt", [(-1.0, -1.0), (1.0, 1.0), (5.0, -5.0)])
def test_every_view_stays_inside_the_scene(pan: float, tilt: float) -> None:
    box = crop_box(pan, tilt, 0.5)
    assert min(box) >= 0 and size(box) == size(crop_box(0.0, 0.0, 0.5))


def test_the_scene_is_one_i420_frame() -> None:
    assert len(render_scene()) == WIDTH * HEIGHT * 3 // 2
