"""Where a tile's frame goes and its captions, worked out once per change, so that painting
a frame is only blits."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter

Draw = Callable[[QPainter, QRect], None]


CAPTION_MARGIN = 6  # between a caption's text and its ends


@dataclass(frozen=True)
class Placement:
    """A frame fitted to its tile's picture area keeping its aspect ratio, centred, and the
    bands of that area it leaves uncovered. `fitted` when the frame is already at that size (a
    blit at `corner`), or up to two pixels short of it (display_fit.fitted_size rounds down to
    even pixels)."""

    image_size: tuple[int, int]
    target: QRect
    corner: QPoint
    margins: tuple[QRect, ...]
    fitted: bool

    @classmethod
    def of(cls, image_w: int, image_h: int, area: QRect) -> Placement:
        width, height = area.width(), area.height()
        scaled = QSize(image_w, image_h).scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio)
        fitted = image_w <= width and image_h <= height and \
            scaled.width() - image_w <= 2 and scaled.height() - image_h <= 2
        if fitted:
            scaled = QSize(image_w, image_h)
        target = QRect(0, 0, scaled.width(), scaled.height())
        target.moveCenter(area.center())
        left, top, right, bottom = area.left(), area.top(), area.right(), area.bottom()
        bands = (QRect(left, top, width, target.top() - top),
                 QRect(left, target.bottom() + 1, width, bottom - target.bottom()),
                 QRect(left, target.top(), target.left() - left, target.height()),
                 QRect(target.right() + 1, target.top(), right - target.right(),
                       target.height()))
        return cls((image_w, image_h), target, target.topLeft(),
                   tuple(band for band in bands if not band.isEmpty()), fitted)


class SharedCaptions:
    """Caption images that several tiles draw alike (the clock), by their full key; only the
    latest few are kept, since a clock's key is new every second."""

    def __init__(self, keep: int = 32) -> None:
        self._images: dict[Hashable, QImage] = {}
        self._keep = keep

    def get(self, key: Hashable) -> QImage | None:
        return self._images.get(key)

    def put(self, key: Hashable, image: QImage) -> None:
        if len(self._images) >= self._keep:
            del self._images[next(iter(self._images))]  # the oldest
        self._images[key] = image


class CachedCaption:
    """One translucent caption image, kept while its key (text, colour, size) is the same.

    Laying out text costs more than blitting a frame; at 15 fps on 16 tiles it was half of
    the wall's painting. The clock caption changes once a second, the others rarely. With
    `shared`, an image another caption drew for the same key is taken instead of drawn: the
    key must then say everything the drawing depends on (the font too).
    """

    def __init__(self, shared: SharedCaptions | None = None) -> None:
        self._key: Hashable = None
        self._image = QImage()
        self._shared = shared

    def paint(self, painter: QPainter, x: int, y: int, width: int, height: int, ratio: float,
              key: Hashable, make_draw: Callable[[], Draw]) -> None:
        """Blits the caption at (x, y), first drawing it with `make_draw()` into a `width` x
        `height` rect (logical pixels) when the key, the size or the device pixel ratio of
        the screen has changed."""
        full_key = (key, width, height, ratio)
        if full_key != self._key:
            image = None if self._shared is None else self._shared.get(full_key)
            if image is None:
                image = QImage(max(1, round(width * ratio)), max(1, round(height * ratio)),
                               QImage.Format.Format_ARGB32_Premultiplied)
                image.setDevicePixelRatio(ratio)  # crisp text on high-DPI screens
                image.fill(Qt.GlobalColor.transparent)
                caption_painter = QPainter(image)
                make_draw()(caption_painter, QRect(0, 0, width, height))
                caption_painter.end()
                if self._shared is not None:
                    self._shared.put(full_key, image)
            self._key, self._image = full_key, image
        painter.drawImage(x, y, self._image)

    def clear(self) -> None:
        self._key, self._image = None, QImage()


def draw_bar(font: QFont, background: QColor, left: tuple[str, QColor] | None,
             right: tuple[str, QColor] | None, margin: int = CAPTION_MARGIN) -> Draw:
    """A filled bar with text on the left (elided to fit beside the right text) and right."""
    def draw(painter: QPainter, rect: QRect) -> None:
        painter.fillRect(rect, background)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        inner = rect.adjusted(margin, 0, -margin, 0)
        middle = Qt.AlignmentFlag.AlignVCenter
        right_width = 0
        if right is not None:
            painter.setPen(right[1])
            painter.drawText(inner, middle | Qt.AlignmentFlag.AlignRight, right[0])
            right_width = metrics.horizontalAdvance(right[0]) + 2 * margin
        if left is not None:
            room = max(0, inner.width() - right_width)
            painter.setPen(left[1])
            painter.drawText(inner, middle | Qt.AlignmentFlag.AlignLeft,
                             metrics.elidedText(left[0], Qt.TextElideMode.ElideRight, room))

    return draw


def draw_message(font: QFont, text: str, color: QColor) -> Draw:
    """Centred, word-wrapped text, for why a tile is dark."""
    def draw(painter: QPainter, rect: QRect) -> None:
        painter.setFont(font)
        painter.setPen(color)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)

    return draw
