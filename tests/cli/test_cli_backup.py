"""`rtic-console backup` / `restore` on real SQLite files: verified copies, refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rtic_console.cli.main import main
from rtic_console.store.database import open_database
from tests.support import PASSWORD, tamper, trained


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> str:
    """An embedded database with a first administrator (so a trail to verify)."""
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    monkeypatch.setenv("RTIC_NEW_PASSWORD", PASSWORD)
    code, _out, err = run(capsys, "--database", url, "user", "add", "1001", "--name",
                          "Sgt. First", "--role", "alpr_admin", "--clets-trained", trained(),
                          "--alpr-trained", trained(), "--division", "RTIC")
    assert code == 0, err
    return url


def names(url: str) -> list[str]:
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM personnel ORDER BY badge")]


def actions(url: str) -> list[str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return [r[0] for r in conn.execute("SELECT action FROM audit_events ORDER BY seq")]


def last_event(url: str) -> dict[str, str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1")
                    .fetchone())


def test_backup_then_restore_round_trip(live: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "copies" / "monday.sqlite3"
    out.parent.mkdir()
    code, text, err = run(capsys, "--database", live, "backup", "--out", str(out))
    assert code == 0, err
    assert "audit trail verified" in text and out.stat().st_mode & 0o077 == 0
    assert "database.backup" in actions(f"sqlite:///{out}")
    # Work goes on after the backup; the restore brings back the copy and keeps it aside.
    with sqlite3.connect(live.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE personnel SET name = 'Changed' WHERE badge = '1001'")
    code, text, err = run(capsys, "--database", live, "restore", str(out))
    assert code == 0, err
    assert names(live) == ["Sgt. First"]
    aside = next(tmp_path.glob("live.before-restore-*.sqlite3"))
    assert names(f"sqlite:///{aside}") == ["Changed"] and str(aside) in text
    assert actions(live)[-1] == "database.restore"
    assert run(capsys, "--database", live, "audit", "verify")[0] == 0



def test_a_backup_is_one_self_contained_file(live: str, tmp_path: Path, capsys) -> None:
    """A backup is kept in rollback-journal mode: restoring from it (or opening it on
    read-only media) leaves no -wal and -shm files beside it, as a WAL file did."""
    out = tmp_path / "copies" / "monday.sqlite3"
    out.parent.mkdir()
    assert run(capsys, "--database", live, "backup", "--out", str(out))[0] == 0
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    code, _text, err = run(capsys, "--database", live, "restore", str(out))
    assert code == 0, err
    assert sorted(p.name for p in out.parent.iterdir()) == ["monday.sqlite3"]
    with sqlite3.connect(live.removeprefix("sqlite:///")) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

def test_a_backup_that_fails_says_so_in_the_trail(live: str, tmp_path: Path, capsys) -> None:
    """The trail records a backup before the copy (so the copy holds it); when the copy is
    refused, the trail must not read as if a backup had been made."""
    db = open_database(live)
    try:
        tamper(db, "UPDATE audit_events SET reason = 'edited' WHERE seq = 1")
    finally:
        db.dispose()
    out = tmp_path / "b.sqlite3"
    code, _, err = run(capsys, "--database", live, "backup", "--out", str(out))
    assert code == 2 and "does not verify" in err and not out.exists()
    assert not list(tmp_path.glob("b.sqlite3*"))
    assert actions(live)[-2:] == ["database.backup", "database.backup_failed"]
    assert "does not verify" in last_event(live)["reason"]


def test_backup_never_overwrites(live: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "b.sqlite3"
    out.write_text("keep me")
    code, _, err = run(capsys, "--database", live, "backup", "--out", str(out))
    assert code == 2 and "exists already" in err and out.read_text() == "keep me"


def test_restore_refuses_a_tampered_trail(live: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "b.sqlite3"
    assert run(capsys, "--database", live, "backup", "--out", str(out))[0] == 0
    copy = open_database(f"sqlite:///{out}")
    try:
        tamper(copy, "UPDATE audit_events SET reason = 'edited' WHERE seq = 1")
    finally:
        copy.dispose()
    before = actions(live)
    code, _, err = run(capsys, "--database", live, "restore", str(out))
    assert code == 2 and "does not verify" in err and "nothing was replaced" in err
    assert names(live) == ["Sgt. First"] and not list(tmp_path.glob("*before-restore*"))
    # The database left in place records the refusal, and its trail still verifies.
    assert actions(live) == [*before, "database.restore_refused"]
    assert "does not verify" in last_event(live)["reason"]
    assert run(capsys, "--database", live, "audit", "verify")[0] == 0


def test_restore_refuses_a_newer_schema(live: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "b.sqlite3"
    assert run(capsys, "--database", live, "backup", "--out", str(out))[0] == 0
    with sqlite3.connect(out) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    code, _, err = run(capsys, "--database", live, "restore", str(out))
    assert code == 2 and "newer than this program" in err


def test_restore_refuses_a_file_that_is_not_a_database(live: str, tmp_path: Path,
                                                       capsys) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 10)
    code, _, err = run(capsys, "--database", live, "restore", str(junk))
    assert code == 2 and "not an SQLite database" in err
    assert actions(live)[-1] == "database.restore_refused"


@pytest.mark.postgres
def test_postgres_is_refused_with_the_way_out(pg_url: str, tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "--database", pg_url, "backup", "--out",
                       str(tmp_path / "x.sqlite3"))
    assert code == 2 and "pg_dump" in err and "USER_GUIDE.md" in err
    code, _, err = run(capsys, "--database", pg_url, "restore", str(tmp_path / "x"))
    assert code == 2 and "pg_dump" in err
