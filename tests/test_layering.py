"""The layers point one way: domain/ and services/ never import Qt (napari's contract)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import importlib, pkgutil, sys
import rtic_console.domain, rtic_console.services, rtic_console.store
for pkg in (rtic_console.domain, rtic_console.services, rtic_console.store):
    for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        importlib.import_module(mod.name)
bad = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6", "rtic_console.ui")))
print(",".join(bad))
"""


def test_model_layers_import_no_qt() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=True)
    assert result.stdout.strip() == "", f"Qt reached the model layers: {result.stdout}"


def test_import_contracts_hold() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], capture_output=True, text=True, cwd=ROOT, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
