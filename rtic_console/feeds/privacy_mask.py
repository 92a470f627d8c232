"""Black out the privacy-mask polygons of a donor agreement on every frame, at any frame size."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence

import cv2
import numpy as np

logger = logging.getLogger(__name__)

Point = tuple[float, float]
_SHIFT = 4  # fillPoly sub-pixel bits: edges land within 1/16 px of where the agreement puts them
_MAX_CACHED_SIZES = 8


def _clip_to_unit_square(polygon: Sequence[Point]) -> list[Point]:
    """Sutherland-Hodgman against [0, 1]^2, so a polygon reaching past the frame keeps the exact
    shape of its visible part (moving stray vertices onto the border would not)."""
    edges = (
        (lambda p: p[0] >= 0.0, lambda a, b: _cross_x(a, b, 0.0)),
        (lambda p: p[0] <= 1.0, lambda a, b: _cross_x(a, b, 1.0)),
        (lambda p: p[1] >= 0.0, lambda a, b: _cross_y(a, b, 0.0)),
        (lambda p: p[1] <= 1.0, lambda a, b: _cross_y(a, b, 1.0)),
    )
    points = list(polygon)
    for inside, crossing in edges:
        clipped: list[Point] = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    clipped.append(crossing(previous, current))
                clipped.append(current)
            elif inside(previous):
                clipped.append(crossing(previous, current))
        points = clipped
        if not points:
            break
    return points


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def _area(points: Sequence[Point]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1)
                   in zip(points, [*points[1:], points[0]], strict=True))) / 2


def _as_points(polygon: Iterable[Sequence[float]]) -> list[Point] | None:
    try:
        points = [(float(x), float(y)) for x, y in polygon]
    except (TypeError, ValueError):
        return None
    return points if all(math.isfinite(v) for p in points for v in p) else None


class PrivacyMask:
    """Polygons in coordinates normalised to the frame (0..1, origin top left), so one mask
    fits every resolution the camera or the tile switches to.

    Edges round outwards by up to one pixel, never inwards. Polygons with fewer than three
    points, no area inside the frame, or non-numeric points are ignored. `apply` is meant to
    run as (part of) a CaptureWorker transform, in the worker thread; one thread at a time
    per mask.
    """

    def __init__(self, polygons: Iterable[Iterable[Sequence[float]]]) -> None:
        kept: list[list[Point]] = []
        for index, polygon in enumerate(polygons):
            points = _as_points(polygon)
            clipped = _clip_to_unit_square(points) if points and len(points) >= 3 else []
            if len(clipped) >= 3 and _area(clipped) > 0:
                kept.append(clipped)
            else:
                logger.warning("privacy mask polygon %d ignored: degenerate or outside the frame",
                               index)
        self.polygons: tuple[tuple[Point, ...], ...] = tuple(tuple(p) for p in kept)
        self._keep: dict[tuple[int, ...], np.ndarray] = {}

    def __bool__(self) -> bool:
        return bool(self.polygons)

    def _keep_mask(self, shape: tuple[int, ...]) -> np.ndarray:
        """255 where the frame shows, 0 where it is masked; drawn once per frame shape."""
        keep = self._keep.get(shape)
        if keep is None:
            height, width = shape[:2]
            keep = np.full(shape, 255, np.uint8)
            scale = 1 << _SHIFT
            # Pixel i spans [i, i + 1) in normalised space, its centre is fillPoly's i.
            contours = [np.array([[round((x * width - 0.5) * scale),
                                   round((y * height - 0.5) * scale)] for x, y in polygon],
                                 np.int32) for polygon in self.polygons]
            cv2.fillPoly(keep, contours, (0,) * (shape[2] if len(shape) == 3 else 1),
                         cv2.LINE_8, _SHIFT)
            if len(self._keep) >= _MAX_CACHED_SIZES:
                self._keep.pop(next(iter(self._keep)))
            self._keep[shape] = keep
        return keep

    def apply(self, frame: np.ndarray) -> np.ndarray:
        """Masks a uint8 frame in place with one vectorised AND and returns it."""
        if self.polygons:
            cv2.bitwise_and(frame, self._keep_mask(frame.shape), dst=frame)
        return frame

    __call__ = apply
