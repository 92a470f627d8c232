"""The simulated PTZ camera's scene: one large still picture (a lettered, coloured grid with a
ring at home) from which the RTSP camera server crops what the camera sees.

It runs beside the RTSP server under the system Python, so it uses the standard library only.
Positions are in ONVIF's generic space (pan and tilt -1 to 1); the scene reaches a widest
view's half beyond it on every side, so any camera's range is covered. Columns are lettered
A to T west to east, rows numbered 1 to 20 top to bottom: a tile that shows "C4" points
there, and a move is seen as the labels sliding by.
"""

from __future__ import annotations

import colorsys

WIDTH, HEIGHT = 3840, 2160  # 16:9, so a pan unit and a tilt unit are as wide as they are high
EXTENT = 1.25  # the scene covers -EXTENT..EXTENT in pan and in tilt
CELLS = 20  # grid cells across and down, 0.125 units each: 4 by 4 in the widest view
HOME_SPAN = 0.5  # the view until the first aim: home, widest (domain.ptz.FIELD_OF_VIEW)
MIN_CROP_PX = 16
_SCALE = 6  # pixels per font dot (even, for the half-size chroma planes)
_COLUMNS = "ABCDEFGHIJKLMNOPQRST"
_WHITE, _BLACK, _RED = (235, 128, 128), (16, 128, 128), (81, 90, 240)

# 5×7 dots per character, rows top to bottom.
_FONT = {
    "0": "01110 10001 10011 10101 11001 10001 01110",
    "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111",
    "3": "11110 00001 00001 01110 00001 00001 11110",
    "4": "00010 00110 01010 10010 11111 00010 00010",
    "5": "11111 10000 11110 00001 00001 10001 01110",
    "6": "00110 01000 10000 11110 10001 10001 01110",
    "7": "11111 00001 00010 00100 01000 01000 01000",
    "8": "01110 10001 10001 01110 10001 10001 01110",
    "9": "01110 10001 10001 01111 00001 00010 01100",
    "A": "01110 10001 10001 11111 10001 10001 10001",
    "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01110 10001 10000 10000 10000 10001 01110",
    "D": "11100 10010 10001 10001 10001 10010 11100",
    "E": "11111 10000 10000 11110 10000 10000 11111",
    "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01110 10001 10000 10111 10001 10001 01111",
    "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110",
    "J": "00111 00010 00010 00010 00010 10010 01100",
    "K": "10001 10010 10100 11000 10100 10010 10001",
    "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001",
    "N": "10001 10001 11001 10101 10011 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110",
    "P": "11110 10001 10001 11110 10000 10000 10000",
    "Q": "01110 10001 10001 10001 10101 10010 01101",
    "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110",
    "T": "11111 00100 00100 00100 00100 00100 00100",
}


def crop_box(pan: float, tilt: float, span: float) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) margins of the scene for a view centred at (pan, tilt)
    that is `span` units wide and high: what GStreamer's videocrop takes. Even numbers (for
    I420), kept inside the scene."""
    span = min(max(span, 0.0), 2 * EXTENT)
    width = max(MIN_CROP_PX, _even(span / (2 * EXTENT) * WIDTH))
    height = max(MIN_CROP_PX, _even(span / (2 * EXTENT) * HEIGHT))
    left = _even((pan + EXTENT) / (2 * EXTENT) * WIDTH - width / 2)
    top = _even((EXTENT - tilt) / (2 * EXTENT) * HEIGHT - height / 2)
    left, top = min(max(left, 0), WIDTH - width), min(max(top, 0), HEIGHT - height)
    return left, top, WIDTH - left - width, HEIGHT - top - height


def _even(value: float) -> int:
    return round(value / 2) * 2


def _yuv(rgb: tuple[float, float, float]) -> tuple[int, int, int]:
    """BT.601 limited range, as GStreamer's I420 expects."""
    r, g, b = (255 * c for c in rgb)
    return (round(16 + 0.257 * r + 0.504 * g + 0.098 * b),
            round(128 - 0.148 * r - 0.291 * g + 0.439 * b),
            round(128 + 0.439 * r - 0.368 * g - 0.071 * b))


class _Planes:
    """Y, U and V planes of the scene; rectangles at even coordinates are filled in all three."""

    def __init__(self, cell_colour: list[list[tuple[int, int, int]]]) -> None:
        cw, ch = WIDTH // CELLS, HEIGHT // CELLS
        self.planes = [bytearray(), bytearray(), bytearray()]
        for row in cell_colour:
            for plane, (w, h, index) in zip(self.planes, ((cw, ch, 0), (cw // 2, ch // 2, 1),
                                                          (cw // 2, ch // 2, 2)), strict=True):
                plane += b"".join(bytes([colour[index]]) * w for colour in row) * h

    def fill(self, x: int, y: int, w: int, h: int, yuv: tuple[int, int, int]) -> None:
        x, y = max(0, x), max(0, y)
        w, h = min(w, WIDTH - x), min(h, HEIGHT - y)
        if w <= 0 or h <= 0:
            return
        for plane, (pw, scale, value) in zip(self.planes, ((WIDTH, 1, yuv[0]),
                                                           (WIDTH // 2, 2, yuv[1]),
                                                           (WIDTH // 2, 2, yuv[2])), strict=True):
            run = bytes([value]) * (w // scale)
            for row in range(y // scale, (y + h) // scale):
                start = row * pw + x // scale
                plane[start:start + len(run)] = run

    def text(self, cx: int, cy: int, label: str) -> None:
        """`label` centred at (cx, cy), black on a white plate."""
        w, h = (6 * len(label) - 1) * _SCALE, 7 * _SCALE
        x0, y0 = _even(cx - w / 2), _even(cy - h / 2)
        self.fill(x0 - 2 * _SCALE, y0 - 2 * _SCALE, w + 4 * _SCALE, h + 4 * _SCALE, _WHITE)
        for i, char in enumerate(label):
            for dy, dots in enumerate(_FONT[char].split()):
                for dx, dot in enumerate(dots):
                    if dot == "1":
                        self.fill(x0 + (6 * i + dx) * _SCALE, y0 + dy * _SCALE, _SCALE, _SCALE,
                                  _BLACK)

    def ring(self, cx: int, cy: int, radius: int, thickness: int) -> None:
        for dy in range(-radius - thickness, radius + thickness, 2):
            outer = ((radius + thickness) ** 2 - dy * dy) ** 0.5 if abs(dy) < radius + \
                thickness else 0.0
            inner = (radius * radius - dy * dy) ** 0.5 if abs(dy) < radius else 0.0
            a, b = _even(inner), _even(outer)
            if b > a:
                self.fill(cx - b, cy + dy, b - a, 2, _RED)
                self.fill(cx + a, cy + dy, b - a, 2, _RED)


def render_scene() -> bytes:
    """The whole scene as one I420 frame of WIDTH×HEIGHT (about 12 MB; well under a second)."""
    colours = [[_yuv(colorsys.hsv_to_rgb(col / CELLS, 0.45, 0.95 - 0.02 * row))
                for col in range(CELLS)] for row in range(CELLS)]
    planes = _Planes(colours)
    cw, ch = WIDTH // CELLS, HEIGHT // CELLS
    line = 4
    for i in range(1, CELLS):
        planes.fill(i * cw - line // 2, 0, line, HEIGHT, _WHITE)
        planes.fill(0, i * ch - line // 2, WIDTH, line, _WHITE)
    for row in range(CELLS):
        for col in range(CELLS):
            planes.text(col * cw + cw // 2, row * ch + ch // 2, f"{_COLUMNS[col]}{row + 1}")
    planes.ring(WIDTH // 2, HEIGHT // 2, 60, 10)  # home: pan 0, tilt 0
    return b"".join(bytes(p) for p in planes.planes)
