"""`rtic-console workstation enrol|list|revoke` (G.3.f), run at the machine being enrolled."""

from __future__ import annotations

import json

import pytest

from rtic_console.cli.main import main
from rtic_console.store.database import Database
from rtic_console.store.memory_keyring import MemoryKeyring
from tests.support import PASSWORD


@pytest.fixture
def as_person(db: Database, monkeypatch, capsys):
    monkeypatch.setenv("RTIC_PASSWORD", PASSWORD)
    monkeypatch.setenv("RTIC_WORKSTATION", "RTIC-WS-05")
    url = db.url.render_as_string(hide_password=False)

    def run(badge: str, *argv: str) -> tuple[int, str, str]:
        code = main(["--database", url, "--as", badge, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.mark.policy("G.3.f")
def test_enrol_list_and_revoke_from_a_terminal(as_person, admin, enrol,
                                               memory_keyring: MemoryKeyring) -> None:
    enrol("7401", "it_staff", sign=False)
    code, _, err = as_person("7401", "workstation", "enrol", "RTIC-WS-05")
    assert code == 2 and "Only ALPR administrator" in err and err.count("\n") == 1
    memory_keyring.entries.clear()  # this terminal is another machine than the admin's
    code, out, err = as_person("1001", "workstation", "enrol", "RTIC-WS-05")
    assert code == 0, err
    assert "RTIC-WS-05 enrolled" in out and len(memory_keyring.entries) == 1
    code, out, _ = as_person("1001", "workstation", "list", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert set(rows) == {"TEST-WS-01", "RTIC-WS-05"}
    assert rows["RTIC-WS-05"]["enrolled_by"] == "1001" and "secret" not in out
    code, _, err = as_person("1001", "workstation", "revoke", "RTIC-WS-05", "--reason", "x")
    assert code == 2 and "Say why" in err
    code, out, err = as_person("1001", "workstation", "revoke", "RTIC-WS-05", "--reason",
                               "desk moved to the EOC")
    assert code == 0, err
    code, out, _ = as_person("1001", "workstation", "list")
    assert "revoked" in out and "desk moved to the EOC" in out
