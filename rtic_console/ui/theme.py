"""The console's themes: dark (the default for a 24-hour centre), light and high contrast.

One style sheet template (resources/theme.qss) takes its colours and text sizes from a
ThemeColors; the application palette is set from the same colours, so widgets that draw
themselves (tables' row colours, the dashboard's charts) follow the theme too. Meaning never
rests on colour alone: each tone has a mark (a shape) that goes with its colour.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import cache
from string import Template

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from rtic_console.paths import RESOURCES_DIR

DEFAULT_TEXT_PT = 10
TEXT_PT_RANGE = (8, 20)


class Theme(StrEnum):
    DARK = "dark"
    LIGHT = "light"
    HIGH_CONTRAST = "high_contrast"


THEME_TITLES: dict[Theme, str] = {Theme.DARK: "Dark (night)", Theme.LIGHT: "Light",
                                  Theme.HIGH_CONTRAST: "High contrast"}


class Tone(StrEnum):
    """What a state means, whatever colour the theme gives it."""

    OK = "ok"
    WARN = "warn"
    DANGER = "danger"
    INFO = "info"
    MUTED = "muted"


# The shape that goes with each tone, for anyone who cannot tell the colours apart.
TONE_MARKS: dict[Tone, str] = {Tone.OK: "✓", Tone.WARN: "▲", Tone.DANGER: "⚠",
                               Tone.INFO: "ℹ", Tone.MUTED: "○"}


@dataclass(frozen=True)
class ThemeColors:
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    border: str
    panel: str  # headers, the navigation, the status bar
    button: str
    title: str
    accent: str  # the default button, the chosen area
    on_accent: str
    selection: str
    on_selection: str
    focus: str  # the focus ring: visible in every theme
    ok: str
    warn: str
    danger: str
    info: str
    ok_bg: str
    warn_bg: str
    danger_bg: str
    info_bg: str
    alarm: str  # an overdue hit, the alert banner: a strong fill
    on_alarm: str
    demo_bg: str
    demo_text: str

    def tone(self, tone: Tone) -> QColor:
        """Text colour of a tone, readable on this theme's base."""
        return QColor(self.muted if tone is Tone.MUTED else getattr(self, tone.value))

    def tone_background(self, tone: Tone) -> QColor:
        return QColor(self.base if tone is Tone.MUTED else getattr(self, f"{tone.value}_bg"))


COLORS: dict[Theme, ThemeColors] = {
    Theme.DARK: ThemeColors(
        window="#161a20", base="#0e1116", alt_base="#151a21", text="#e6e9ee", muted="#9aa4b2",
        border="#3a4350", panel="#202730", button="#27303b", title="#cfe3ff",
        accent="#2f6fb7", on_accent="#ffffff", selection="#2f6fb7", on_selection="#ffffff",
        focus="#ffb000", ok="#4ade80", warn="#fbbf24", danger="#f87171", info="#7cb7f0",
        ok_bg="#10301d", warn_bg="#3a2e0a", danger_bg="#4a1616", info_bg="#17263f",
        alarm="#c81e1e", on_alarm="#ffffff", demo_bg="#5c4a0c", demo_text="#fde68a"),
    Theme.LIGHT: ThemeColors(
        window="#f4f6f9", base="#ffffff", alt_base="#f8fafc", text="#111827", muted="#4b5563",
        border="#9ca3af", panel="#e5e9f0", button="#ffffff", title="#0b2545",
        accent="#0b2545", on_accent="#ffffff", selection="#1d4ed8", on_selection="#ffffff",
        focus="#c2410c", ok="#15803d", warn="#92400e", danger="#b91c1c", info="#1d4ed8",
        ok_bg="#f0fdf4", warn_bg="#fef3c7", danger_bg="#fef2f2", info_bg="#eef2ff",
        alarm="#b91c1c", on_alarm="#ffffff", demo_bg="#fde68a", demo_text="#78350f"),
    Theme.HIGH_CONTRAST: ThemeColors(
        window="#000000", base="#000000", alt_base="#0d0d0d", text="#ffffff", muted="#e0e0e0",
        border="#ffffff", panel="#1a1a1a", button="#000000", title="#ffffff",
        accent="#ffff00", on_accent="#000000", selection="#ffff00", on_selection="#000000",
        focus="#00ffff", ok="#00ff66", warn="#ffd700", danger="#ff5c5c", info="#66ccff",
        ok_bg="#002a10", warn_bg="#332b00", danger_bg="#3d0000", info_bg="#001a33",
        alarm="#ff0000", on_alarm="#ffffff", demo_bg="#ffd700", demo_text="#000000"),
}

_current: ThemeColors = COLORS[Theme.DARK]


def current_colors() -> ThemeColors:
    """The colours in use, for models and painters that choose a colour per row."""
    return _current


def _luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in (color.redF(), color.greenF(), color.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable(color: QColor) -> QColor:
    """A text colour chosen for a light page, lightened until it reads (4.5:1) on a dark
    theme's base; on a light theme it is returned as it is. Asked for every coloured cell at
    every repaint, so each (colour, base) pair is worked out once."""
    return QColor.fromRgba(_readable_rgba(color.rgba(), _current.base))


@cache
def _readable_rgba(rgba: int, base_name: str) -> int:
    base, color = QColor(base_name), QColor.fromRgba(rgba)
    if base.lightness() >= 128:
        return rgba
    hue, saturation, lightness, alpha = color.getHslF()
    result = QColor(color)
    while contrast(result, base) < 4.5 and lightness < 0.95:
        lightness = min(0.95, lightness + 0.05)
        result = QColor.fromHslF(max(hue, 0.0), saturation, lightness, alpha)
    return result.rgba()


def parse_theme(value: object) -> Theme:
    """A remembered theme, or the default when it is missing or unknown."""
    try:
        return Theme(str(value))
    except ValueError:
        return Theme.DARK


def clamp_text_pt(value: object) -> int:
    try:
        size = int(str(value))
    except ValueError:
        return DEFAULT_TEXT_PT
    return max(TEXT_PT_RANGE[0], min(TEXT_PT_RANGE[1], size))


@cache
def _template() -> Template:
    """Read once: every theme and text size is this file filled in."""
    return Template((RESOURCES_DIR / "theme.qss").read_text(encoding="utf-8"))


def style_sheet(theme: Theme, text_pt: int) -> str:
    template = _template()
    colors = COLORS[theme]
    ink = "black" if QColor(colors.on_accent).lightness() < 128 else "white"
    arrows = "white" if QColor(colors.text).lightness() >= 128 else "black"
    icons = (RESOURCES_DIR / "icons").as_posix()
    return template.substitute(
        asdict(colors), check_image=f"{icons}/check-{ink}.svg",
        dot_image=f"{icons}/dot-{ink}.svg", down_image=f"{icons}/arrow-down-{arrows}.svg",
        up_image=f"{icons}/arrow-up-{arrows}.svg", text_pt=text_pt, small_pt=max(7, text_pt - 1),
        heading_pt=text_pt + 4, title_pt=text_pt + 6, plate_pt=text_pt * 2,
        focus_width=3 if theme is Theme.HIGH_CONTRAST else 2)


def palette_for(colors: ThemeColors) -> QPalette:
    role, palette = QPalette.ColorRole, QPalette()
    for which, value in ((role.Window, colors.window), (role.Base, colors.base),
                         (role.AlternateBase, colors.alt_base), (role.Text, colors.text),
                         (role.WindowText, colors.text), (role.ButtonText, colors.text),
                         (role.Button, colors.button), (role.Highlight, colors.selection),
                         (role.HighlightedText, colors.on_selection),
                         (role.ToolTipBase, colors.panel), (role.ToolTipText, colors.text),
                         (role.PlaceholderText, colors.muted), (role.Link, colors.info),
                         (role.BrightText, colors.on_alarm), (role.Mid, colors.border),
                         (role.Dark, colors.panel), (role.Light, colors.alt_base)):
        palette.setColor(which, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for which in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(disabled, which, QColor(colors.muted))
    return palette


def apply_theme(app: QApplication, theme: Theme, text_pt: int = DEFAULT_TEXT_PT) -> None:
    """Set the palette, the base font and the style sheet of the whole application."""
    global _current
    _current = COLORS[theme]
    app.setStyle("Fusion")  # draws with the palette on every platform
    app.setPalette(palette_for(_current))
    font = QFont(app.font())
    font.setPointSize(text_pt)
    app.setFont(font)
    app.setStyleSheet(style_sheet(theme, text_pt))
