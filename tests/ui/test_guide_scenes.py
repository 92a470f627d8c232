"""Scenes of the user guide's pictures that render alone (`screenshots --only NAME`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from rtic_console.ui.screenshots import render_solo

GUIDE = Path(__file__).resolve().parents[2] / "USER_GUIDE.md"


def test_the_sign_out_question_about_held_hits_is_pictured_in_the_guide(tmp_path) -> None:
    """A trial's new dispatcher met the question at sign-out with no picture of it in the
    guide: its scene claims hits for the demo dispatcher and renders the question."""
    shots = render_solo(tmp_path, ["sign-out-claims"])
    assert [p.name for p in shots] == ["sign-out-claims.png", "sign-out-claims-light.png"]
    assert all(QImage(str(p)).width() > 300 for p in shots)
    assert "](docs/screenshots/sign-out-claims.png)" in GUIDE.read_text(encoding="utf-8")
