"""An overdue hit is unmistakable in every theme: a strong fill and the word OVERDUE, not a
pale row (D.5.a); a hit getting old says so too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from rtic_console.domain.checklist import HitStatus
from rtic_console.services.hits import HitView
from rtic_console.ui.hits.hit_queue_model import HitQueueModel
from rtic_console.ui.theme import COLORS, Theme, apply_theme


def hit(hit_id: int, age: timedelta) -> HitView:
    now = datetime.now(UTC)
    return HitView(hit_id, HitStatus.NEW, 1, "stolen_vehicle", "SVS", False, "7KQM482",
                   "7KQM482", "CA", "CA", "7KQM482", None, 0, False, 0.9, None, None, None,
                   "ALPR-FX-01", "Fixed 1", "", None, None, None, now - age, now - age, None,
                   None, ())


@pytest.mark.policy("D.5.a")
@pytest.mark.parametrize("theme", list(Theme))
def test_overdue_hits_carry_a_word_and_a_strong_fill(qapp, theme: Theme) -> None:
    apply_theme(qapp, theme)
    try:
        model = HitQueueModel((timedelta(minutes=2), timedelta(minutes=5)))
        model.set_rows([hit(1, timedelta(minutes=9)), hit(2, timedelta(minutes=3)),
                        hit(3, timedelta(seconds=10))])
        status = model.COLUMNS.index("Status")

        def cell(row: int, role: Qt.ItemDataRole, col: int = status):
            return model.data(model.index(row, col), role)

        assert "OVERDUE" in cell(0, Qt.ItemDataRole.DisplayRole)
        assert cell(0, Qt.ItemDataRole.BackgroundRole).color().name() == COLORS[theme].alarm
        assert cell(0, Qt.ItemDataRole.ForegroundRole).color().name() == COLORS[theme].on_alarm
        assert "due soon" in cell(1, Qt.ItemDataRole.DisplayRole)
        assert cell(2, Qt.ItemDataRole.DisplayRole) == "New"
        assert cell(2, Qt.ItemDataRole.BackgroundRole) is None
    finally:
        apply_theme(qapp, Theme.DARK)

