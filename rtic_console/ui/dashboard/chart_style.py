"""Chart colours that read on the console's light theme and on a dark one."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

# Okabe-Ito hues: distinguishable with the common colour-vision deficiencies, and
# mid-bright enough to show on white and on near-black alike.
SERIES = ("#0072B2", "#E69F00", "#56B4E9", "#CC79A7", "#D55E00", "#8C8C8C")
SERIES_ON_DARK = ("#4EA3E0", "#F0B429", "#7FCBF5", "#E29ACB", "#FF7A33", "#A6A6A6")
# Meaning carries colour here: confirmed green, misread amber, the rest quieter.
OUTCOMES = {"confirmed": "#009E73", "misread": "#E69F00", "no_longer_wanted": "#56B4E9",
            "duplicate": "#8C8C8C"}
OUTCOMES_ON_DARK = {"confirmed": "#3CC79A", "misread": "#F0B429",
                    "no_longer_wanted": "#7FCBF5", "duplicate": "#A6A6A6"}


@dataclass(frozen=True)
class ChartStyle:
    dark: bool
    background: QColor
    foreground: QColor
    muted: QColor
    accent: QColor  # the chosen window's button
    on_accent: QColor
    grid_alpha: float

    def series(self, index: int) -> QColor:
        hues = SERIES_ON_DARK if self.dark else SERIES
        return QColor(hues[index % len(hues)])

    def outcome(self, status: str) -> QColor:
        return QColor((OUTCOMES_ON_DARK if self.dark else OUTCOMES).get(status, SERIES[-1]))


def style_for(palette: QPalette) -> ChartStyle:
    """Follow the widget's palette, so a dark desktop theme gets dark charts."""
    background = palette.color(QPalette.ColorRole.Base)
    foreground = palette.color(QPalette.ColorRole.Text)
    dark = background.lightness() < 128
    muted = QColor(foreground)
    muted.setAlphaF(0.65)
    return ChartStyle(dark, background, foreground, muted,
                      palette.color(QPalette.ColorRole.Highlight),
                      palette.color(QPalette.ColorRole.HighlightedText), 0.18 if dark else 0.12)
