"""The workstation's per-user settings file (window layout, personal choices)."""

from __future__ import annotations

from PySide6.QtCore import QSettings


def workstation_settings() -> QSettings:
    """Per-workstation, per-user settings (an INI file in the user's config folder)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "RTIC",
                     "rtic-console")
