"""The CLI as IT staff and scripts use it: first admin, roster, audit, refusals (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from rtic_console.cli.main import main
from rtic_console.store.database import open_database
from tests.support import PASSWORD, trained


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys) -> str:
    """A database with a first administrator 1001, created through the CLI itself."""
    if db_url.startswith("postgresql"):
        assert main(["--database", db_url, "db", "upgrade"]) == 0
    monkeypatch.setenv("RTIC_NEW_PASSWORD", PASSWORD)
    code, out, err = run(capsys, "--database", db_url, "user", "add", "1001", "--name",
                         "Sgt. First", "--role", "alpr_admin", "--clets-trained", trained(),
                         "--alpr-trained", trained(), "--division", "RTIC")
    assert code == 0, err
    assert "first ALPR administrator" in out
    monkeypatch.setenv("RTIC_PASSWORD", PASSWORD)
    return db_url


def test_first_admin_then_roster_commands(cli_db: str, capsys) -> None:
    code, out, err = run(capsys, "--database", cli_db, "--as", "1001", "user", "add", "2001",
                         "--name", "Lena Park", "--role", "dispatcher", "--clets-trained",
                         trained(), "--alpr-trained", trained())
    assert code == 0, err
    code, out, _ = run(capsys, "--database", cli_db, "--as", "1001", "user", "list", "--json")
    people = json.loads(out)
    assert [p["badge"] for p in people] == ["1001", "2001"]
    assert people[1]["roles"] == ["dispatcher"] and people[1]["authorized"] is True
    code, out, _ = run(capsys, "--database", cli_db, "--as", "1001", "user", "deactivate",
                       "2001")
    assert code == 0 and "Deactivated 2001" in out


@pytest.mark.policy("A.3")
def test_untrained_person_is_refused_like_sign_in(cli_db: str, capsys) -> None:
    assert run(capsys, "--database", cli_db, "--as", "1001", "user", "add", "2002", "--name",
               "No Alpr", "--role", "officer", "--clets-trained", trained())[0] == 0
    code, out, err = run(capsys, "--database", cli_db, "--as", "2002", "user", "list")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "ALPR training is not recorded" in err


@pytest.mark.parametrize("argv,fragment", [
    (["user", "add", "12'x", "--name", "A", "--role", "officer"], "badge number"),
    (["user", "add", "2003", "--name", "", "--role", "officer"], "name is empty"),
    (["user", "add", "2003", "--name", "A", "--role", "officer", "--alpr-trained",
      "2999-01-01"], "in the future"),
])
def test_bad_input_exits_2_with_one_line(cli_db: str, capsys, argv: list[str],
                                         fragment: str) -> None:
    code, _, err = run(capsys, "--database", cli_db, "--as", "1001", *argv)
    assert code == 2 and fragment in err and err.count("\n") == 1


def test_unknown_role_is_refused_by_the_parser(cli_db: str, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--database", cli_db, "--as", "1001", "user", "add", "2004", "--name", "A",
              "--role", "janitor"])
    assert info.value.code == 2
    assert "janitor" in capsys.readouterr().err


def test_commands_need_a_person(cli_db: str, capsys) -> None:
    code, _, err = run(capsys, "--database", cli_db, "user", "list")
    assert code == 2 and "--as BADGE" in err


def test_wrong_password_refused(cli_db: str, capsys, monkeypatch) -> None:
    monkeypatch.setenv("RTIC_PASSWORD", "definitely-wrong")
    code, _, err = run(capsys, "--database", cli_db, "--as", "1001", "user", "list")
    assert code == 2 and "Wrong password" in err


@pytest.mark.policy("AUDIT")
def test_audit_list_and_verify_detects_tampering(cli_db: str, capsys) -> None:
    code, out, _ = run(capsys, "--database", cli_db, "--as", "1001", "audit", "list", "--json",
                       "--since", "2000-01-01T00:00:00+00:00")
    events = json.loads(out)
    assert {e["action"] for e in events} >= {"roster.first_admin", "auth.sign_in"}
    code, out, _ = run(capsys, "--database", cli_db, "audit", "verify")
    assert code == 0 and "intact" in out

    db = open_database(cli_db)
    with db.engine.begin() as conn:
        if db.is_postgres:
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET actor_badge = '6666' WHERE seq = 2"))
    db.dispose()
    code, out, _ = run(capsys, "--database", cli_db, "audit", "verify")
    assert code == 1 and "sequence 2" in out


def test_since_must_be_iso(cli_db: str, capsys) -> None:
    code, _, err = run(capsys, "--database", cli_db, "--as", "1001", "audit", "list",
                       "--since", "yesterday")
    assert code == 2 and "ISO 8601" in err


@pytest.mark.postgres
def test_postgres_behind_names_the_upgrade_command(pg_url: str, capsys) -> None:
    code, _, err = run(capsys, "--database", pg_url, "--as", "1001", "user", "list")
    assert code == 2 and "db upgrade" in err
    code, out, _ = run(capsys, "--database", pg_url, "db", "upgrade")
    assert code == 0 and "upgraded" in out


def test_foreign_file_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"PK\x03\x04 not a database at all" * 10)
    code, _, err = run(capsys, "--database", f"sqlite:///{path}", "audit", "verify")
    assert code == 2 and "not an SQLite database" in err


def test_installed_console_script_runs() -> None:
    exe = Path(sys.executable).with_name("rtic-console")
    result = subprocess.run([str(exe), "--version"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0 and "rtic-console" in result.stdout
