"""The installers stay in step: the Windows script (which cannot be built here) names the
version and the data folders of the PyInstaller spec, and the systemd unit keeps its
hardening and restart policy."""

from __future__ import annotations

import ast
import re

from rtic_console import __version__
from rtic_console.paths import MIGRATIONS_DIR, PROJECT_ROOT, RESOURCES_DIR

INSTALLER = PROJECT_ROOT / "installer"


def spec_data_folders() -> list[str]:
    tree = ast.parse((INSTALLER / "rtic-console.spec").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DATA_FOLDERS":
            return list(ast.literal_eval(node.value))
    raise AssertionError("rtic-console.spec has no DATA_FOLDERS")


def test_spec_ships_the_folders_the_program_reads() -> None:
    assert spec_data_folders() == [RESOURCES_DIR.name, MIGRATIONS_DIR.name]


def test_inno_setup_script_matches_the_spec() -> None:
    iss = (INSTALLER / "rtic-console.iss").read_text()
    assert re.search(r'#define AppVersion "([^"]+)"', iss).group(1) == __version__
    listed = re.search(r"; DATA_FOLDERS \(as in installer/rtic-console.spec\): (.*)", iss)
    assert listed.group(1).split() == spec_data_folders()
    assert "..\\dist\\rtic-console\\*" in iss


def test_ingest_unit_restarts_and_is_confined() -> None:
    unit = (INSTALLER / "linux" / "rtic-console-ingest.service").read_text()
    for line in ("User=rtic-ingest", "Restart=on-failure", "ProtectSystem=strict",
                 "NoNewPrivileges=true", "ReadWritePaths=/var/lib/rtic-console"):
        assert line in unit.splitlines()
    assert re.search(r"^ExecStart=/opt/rtic-console/rtic-console serve ", unit, re.M)
