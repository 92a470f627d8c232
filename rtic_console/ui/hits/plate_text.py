"""Rich text for plates: the read beside the listed plate, differing characters marked."""

from __future__ import annotations

from html import escape

from rtic_console.domain.checklist import compass_point

DIFF_STYLE = "background:#fde68a;color:#b91c1c;text-decoration:underline;"


def plate_diff_html(read: str, listed: str) -> tuple[str, str]:
    """Both plates as HTML, each character that differs from the other highlighted."""

    def mark(text: str, other: str) -> str:
        out = []
        for i, ch in enumerate(text):
            same = i < len(other) and other[i] == ch
            out.append(escape(ch) if same else f'<span style="{DIFF_STYLE}">{escape(ch)}</span>')
        return "".join(out)

    return mark(read, listed), mark(listed, read)


def compass(degrees: float | None) -> str:
    point = compass_point(degrees)
    return "not reported" if point is None else f"{point} ({degrees:.0f}°)"
