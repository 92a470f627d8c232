"""Where the project's non-Python files live: resources/ and db/ beside the package, or, in
the packaged application (PyInstaller), in its bundle folder (installer/rtic-console.spec)."""

from __future__ import annotations

import sys
from pathlib import Path

FROZEN = bool(getattr(sys, "frozen", False))
PROJECT_ROOT = (Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) if FROZEN
                else Path(__file__).resolve().parent.parent)
RESOURCES_DIR = PROJECT_ROOT / "resources"
MIGRATIONS_DIR = PROJECT_ROOT / "db"
