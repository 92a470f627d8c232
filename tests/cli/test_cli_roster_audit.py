"""The CLI as IT staff and scripts use it: first admin, roster, audit, refusals (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rtic_console.cli.main import main
from rtic_console.store.database import Database
from tests.support import PASSWORD, rewrite_trail, tamper, trained, truncate_trail


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
def test_audit_list_and_verify_detects_tampering(cli_db: str, owner_db: Database,
                                                 capsys) -> None:
    code, out, _ = run(capsys, "--database", cli_db, "--as", "1001", "audit", "list", "--json",
                       "--since", "2000-01-01T00:00:00+00:00")
    events = json.loads(out)
    assert {e["action"] for e in events} >= {"roster.first_admin", "auth.sign_in"}
    code, out, _ = run(capsys, "--database", cli_db, "audit", "verify")
    assert code == 0 and "intact" in out

    tamper(owner_db, "UPDATE audit_events SET actor_badge = '6666' WHERE seq = 2")
    code, out, _ = run(capsys, "--database", cli_db, "audit", "verify")
    assert code == 1 and "BROKEN at event #2" in out


def test_since_must_be_iso(cli_db: str, capsys) -> None:
    code, _, err = run(capsys, "--database", cli_db, "--as", "1001", "audit", "list",
                       "--since", "yesterday")
    assert code == 2 and "ISO 8601" in err


@pytest.mark.postgres
def test_postgres_behind_names_the_upgrade_command(pg_database, capsys) -> None:
    console, owner = pg_database.console_url, pg_database.owner_url
    code, _, err = run(capsys, "--database", console, "--as", "1001", "user", "list")
    assert code == 2 and "db upgrade" in err and pg_database.owner in err
    code, out, err = run(capsys, "--database", console, "db", "upgrade")
    assert code == 2 and out == "" and f"database owner {pg_database.owner}" in err
    code, out, _ = run(capsys, "--database", owner, "db", "upgrade")
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


@pytest.mark.policy("SOD")
def test_grants_wait_for_a_second_person_on_the_command_line(cli_db: str, capsys) -> None:
    def as_(badge: str, *argv: str) -> tuple[int, str, str]:
        return run(capsys, "--database", cli_db, "--as", badge, *argv)

    def add(badge: str, role: str) -> str:
        code, out, err = as_("1001", "user", "add", badge, "--name", f"Person {badge}",
                             "--role", role, "--clets-trained", trained(), "--alpr-trained",
                             trained())
        assert code == 0, err
        return out

    assert "takes effect when a second ALPR administrator" in add("1002", "alpr_admin")
    code, out, _ = as_("1001", "user", "grants", "--pending", "--json")
    pending = json.loads(out)
    assert [(g["badge"], g["role"], g["granted_by"], g["pending"]) for g in pending] == [
        ("1002", "alpr_admin", "1001", True)]
    code, out, err = as_("1001", "user", "confirm", "1002", "alpr_admin")
    assert code == 0 and "bootstrap" in out, err
    add("8501", "supervisor")
    code, out, err = as_("1001", "user", "confirm", "8501", "supervisor")
    assert code == 2 and out == "" and "made this grant" in err
    code, out, err = as_("1002", "user", "confirm", "8501", "supervisor")
    assert code == 0 and "confirmed by 1002" in out, err
    code, out, _ = as_("1001", "user", "grants")
    rows = [line.split() for line in out.splitlines()[1:]]
    assert rows[0][0] == "1001" and "first_admin" in rows[0]
    supervisor = next(r for r in rows if r[0] == "8501")
    assert supervisor[3:6] == ["supervisor", "in", "effect"] and "1002" in supervisor
    code, out, _ = as_("1001", "user", "list")
    assert "supervisor by 1001" in out and "confirmed by 1002" in out
    code, out, _ = as_("1001", "audit", "list", "--json")
    refused = [e for e in json.loads(out) if e["action"] == "roster.role.confirm.refused"]
    assert len(refused) == 1 and refused[0]["details"] == {"clause": "SOD"}
    assert refused[0]["actor_badge"] == "1001" and refused[0]["object_id"] == "8501"


@pytest.mark.policy("AUDIT")
@pytest.mark.parametrize("attack", ["rewrite", "truncate"])
def test_checkpoint_then_verify_fails_on_a_rewritten_or_cut_trail(
        cli_db: str, owner_db: Database, keyring_backend, capsys, attack: str) -> None:
    code, out, err = run(capsys, "--database", cli_db, "--as", "1001", "audit", "key",
                         "create")
    assert code == 0 and "audit_public_keys = [\"ed25519:" in out, err
    code, out, err = run(capsys, "--database", cli_db, "audit", "checkpoint")
    assert code == 0 and "by system:scheduled-checkpoint" in out, err
    code, out, err = run(capsys, "--database", cli_db, "--as", "1001", "audit", "checkpoint")
    assert code == 0 and "by 1001" in out, err
    code, out, _ = run(capsys, "--database", cli_db, "audit", "verify", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["checkpoints"] == 2
    head = report["newest_checkpoint"]["head_seq"]
    if attack == "rewrite":
        rewrite_trail(owner_db, 2, "nothing to see")
        expected = "the trail was rewritten"
    else:
        truncate_trail(owner_db, head - 1)
        expected = "removed from the end"
    code, out, _ = run(capsys, "--database", cli_db, "audit", "verify")
    assert code == 1 and "FAILS its signed checkpoints" in out and expected in out


@pytest.mark.policy("AUDIT")
def test_checkpoint_without_a_keyring_is_refused_and_audited(cli_db: str, no_keyring,
                                                             capsys) -> None:
    code, out, err = run(capsys, "--database", cli_db, "audit", "checkpoint")
    assert code == 2 and out == "" and "no usable OS keyring" in err
    code, out, _ = run(capsys, "--database", cli_db, "--as", "1001", "audit", "list",
                       "--json")
    refused = [e for e in json.loads(out) if e["action"] == "audit.checkpoint.refused"]
    assert len(refused) == 1 and refused[0]["details"] == {"clause": "AUDIT"}
    code, out, _ = run(capsys, "--database", cli_db, "audit", "key", "show")
    assert code == 0 and "signing key: none" in out
