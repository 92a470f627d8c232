"""The Qt binding must not leak references: PySide6 6.12.0 drops one reference to None on
every void call, and a wall of 16 tiles then aborts within a minute (`none_dealloc`)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_calls_keep_none_alive() -> None:
    holder = QObject()
    before = sys.getrefcount(None)
    for _ in range(200):
        holder.setObjectName("probe")
    # Other threads may take or drop a few references meanwhile; a leak drops 200.
    assert sys.getrefcount(None) >= before - 20
