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


def test_the_look_back_picture_shows_the_circle_drawn_on_the_map(tmp_path) -> None:
    """The scene set the area on the look-back box alone, so the guide's picture showed a
    look back with no circle on the map; it now draws one as a person does (it raises when
    the page took no circle)."""
    shots = render_solo(tmp_path, ["map-look-back"])
    assert [p.name for p in shots] == ["map-look-back.png", "map-look-back-light.png"]
    assert "](docs/screenshots/map-look-back.png)" in GUIDE.read_text(encoding="utf-8")
