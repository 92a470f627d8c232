"""`ingest`, `quarantine list` and `serve` from a terminal, as IT staff and scripts use them."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rtic_console.cli import ingest_commands
from rtic_console.cli.main import main
from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.read_formats import parse_payload
from rtic_console.services import ingest
from rtic_console.services.context import Context
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.database import Database, open_database
from rtic_console.store.models import AuditEvent, Detection, Hit, HitSighting, RecordingSegment
from tests.feeds.ingest_harness import FIXTURES, wait_for
from tests.services.pscn_support import add_camera
from tests.support import PASSWORD, trained


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> str:
    """First administrator 1001 and officer 3001, both created through the CLI."""
    assert main(["--database", db_url, "db", "upgrade"]) == 0
    monkeypatch.setenv("RTIC_NEW_PASSWORD", PASSWORD)
    assert run(capsys, "--database", db_url, "user", "add", "1001", "--name", "Sgt. First",
               "--role", "alpr_admin", "--clets-trained", trained(), "--alpr-trained",
               trained())[0] == 0
    monkeypatch.setenv("RTIC_PASSWORD", PASSWORD)
    assert run(capsys, "--database", db_url, "--as", "1001", "user", "add", "3001", "--name",
               "Ofc. Reader", "--role", "officer", "--clets-trained", trained(),
               "--alpr-trained", trained())[0] == 0
    return db_url


def scalar(url: str, statement: object) -> object:
    db = open_database(url, interactive=False)
    try:
        with db.read() as session:
            return session.scalar(statement)  # type: ignore[call-overload]
    finally:
        db.dispose()


@pytest.mark.policy("AUDIT")
def test_ingest_files_prints_counts_and_audits_each_file(
        cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(FIXTURES / n) for n in ("openalpr_group_v3.json", "reads.csv",
                                         "platerecognizer_stream.json")]
    code, out, err = run(capsys, "--database", cli_db, "--as", "1001", "ingest", *files)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("openalpr_group_v3.json (openalpr): 1 stored, 0 duplicates")
    assert lines[1].startswith("reads.csv (csv): 3 stored")
    assert scalar(cli_db, select(func.count()).select_from(Detection)) == 5
    code, out, _ = run(capsys, "--database", cli_db, "--as", "1001", "ingest", files[0])
    assert code == 0 and "0 stored, 1 duplicates" in out
    audited = scalar(cli_db, select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "ingest.file", AuditEvent.actor_badge == "1001"))
    assert audited == 4


def test_a_file_of_one_cars_reads_raises_one_hit_with_sightings(
        cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """As the ingest service groups them (D.5): reads.csv holds three reads of A13709 a
    minute apart, so a file import makes one hit and two sightings, not three hits."""
    code, _, err = run(capsys, "--database", cli_db, "--as", "1001", "hotlist", "add",
                       "A13709", "--state", "CA", "--reason", "stolen_vehicle", "--case",
                       "26-77", "--ncic-system", "SVS", "--ncic-record", "V99")
    assert code == 0, err
    code, _, err = run(capsys, "--database", cli_db, "--as", "1001", "ingest",
                         str(FIXTURES / "reads.csv"))
    assert code == 0, err
    assert scalar(cli_db, select(func.count()).select_from(Hit)) == 1
    assert scalar(cli_db, select(func.count()).select_from(HitSighting)) == 2


def test_a_bad_file_is_quarantined_reported_and_listed(
        cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "broken.json"
    bad.write_bytes(b'{"data_type": "alpr_group", \x00\xff')
    code, out, _ = run(capsys, "--database", cli_db, "--as", "1001", "ingest", str(bad),
                       str(FIXTURES / "reads.csv"))
    assert code == 1
    assert out.startswith("broken.json: not ingested (") and "quarantined as #" in out
    assert "reads.csv (csv): 3 stored" in out
    code, out, _ = run(capsys, "--database", cli_db, "--as", "1001", "quarantine", "list",
                       "--json")
    [item] = json.loads(out)
    assert item["channel"] == "file:broken.json" and item["raw_size"] == len(bad.read_bytes())
    assert item["preview"].startswith('{"data_type": "alpr_group", .') and "raw" not in item
    code, out, _ = run(capsys, "--database", cli_db, "--as", "1001", "quarantine", "list")
    assert code == 0 and out.splitlines()[0].split()[:3] == ["ID", "RECEIVED", "(UTC)"]


@pytest.mark.policy("A.2")
def test_an_officer_may_neither_ingest_nor_read_the_quarantine(
        cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["ingest", str(FIXTURES / "reads.csv")], ["quarantine", "list"]):
        code, out, err = run(capsys, "--database", cli_db, "--as", "3001", *argv)
        assert code == 2 and out == "" and err.count("\n") == 1
    assert scalar(cli_db, select(func.count()).select_from(Detection)) == 0


def test_a_missing_file_is_refused_before_anything_is_stored(
        cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--database", cli_db, "--as", "1001", "ingest",
                       str(FIXTURES / "reads.csv"), "/no/such/file.json")
    assert code == 2 and "no such file" in err
    assert scalar(cli_db, select(func.count()).select_from(Detection)) == 0


def test_a_big_csv_goes_in_slices_with_true_line_numbers(
        db: Database, admin: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    path = FIXTURES / "reads_bad_rows.csv"
    whole = parse_payload(path.read_bytes(), path_hint=path.name)
    monkeypatch.setattr(ingest_commands, "CSV_CHUNK_ROWS", 2)
    report = ingest_commands.ingest_path(db, admin, MatchingEngine(), path)
    assert report.fmt == "csv" and report.refusal is None
    assert report.stored == len(whole.reads) and list(report.rejected) == whole.rejected
    with db.read() as session:
        audited = session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "ingest.file"))
    assert audited == -(-(len(path.read_bytes().splitlines()) - 1) // 2)


def _reads_csv(path: Path, start: datetime, first: int, last: int) -> Path:
    path.write_text("plate,state,confidence,captured_at,device,latitude,longitude,direction\n"
                    + "".join(f"BLK{i:04d},CA,88,{(start + timedelta(seconds=i)).isoformat()},"
                              f"ALPR-{i % 3},38.5,-121.4,90\n" for i in range(first, last)))
    return path


def test_a_csv_loaded_again_whole_or_in_part_stores_nothing_twice(
        db: Database, admin: Context, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """CSV read ids hold their time, so on PostgreSQL a re-sent read is found by the unique
    key during the COPY (TIME_KEYED_SOURCES), not by a look-up before it."""
    monkeypatch.setattr(ingest_commands, "CSV_CHUNK_ROWS", 25)  # COPY from 20 rows a batch
    monkeypatch.setattr(ingest, "BULK_READS", 20)  # and such a chunk counts as bulk
    engine = MatchingEngine()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)  # one clock for all
    whole = _reads_csv(tmp_path / "a.csv", start, 0, 60)
    first = ingest_commands.ingest_path(db, admin, engine, whole)
    again = ingest_commands.ingest_path(db, admin, engine, whole)
    overlap = ingest_commands.ingest_path(db, admin, engine,
                                          _reads_csv(tmp_path / "b.csv", start, 30, 90))
    assert (first.stored, first.duplicates) == (60, 0)
    assert (again.stored, again.duplicates) == (0, 60)
    assert (overlap.stored, overlap.duplicates) == (30, 30)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Detection)) == 90
        assert session.scalar(select(func.count(func.distinct(Detection.source_id)))) == 90


def test_serve_runs_headless_until_sigterm(sqlite_url: str, tmp_path: Path) -> None:
    assert main(["--database", sqlite_url, "db", "upgrade"]) == 0
    env = {**os.environ, "RTIC_TEST_TOKEN": "t0ken-for-tests"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rtic_console", "--database", sqlite_url, "serve", "--listen",
         "127.0.0.1:0", "--spool", str(tmp_path / "spool.sqlite3"), "--token-env",
         "RTIC_TEST_TOKEN"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        banner = proc.stdout.readline()  # type: ignore[union-attr]
        assert banner.startswith("Ingest service on http://127.0.0.1:"), proc.stderr
        port = int(banner.split("http://127.0.0.1:")[1].split("/")[0])
        body = (FIXTURES / "openalpr_group_v3.json").read_bytes()
        statuses = []
        for token in ("", "t0ken-for-tests"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("POST", "/alpr/openalpr", body, {"X-RTIC-Token": token})
            statuses.append(conn.getresponse().status)
            conn.close()
        assert statuses == [401, 202]
        wait_for(lambda: scalar(sqlite_url, select(func.count()).select_from(Detection)), 10)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Ingest service stopped" in out


@contextmanager
def _recording_service(db_url: str, tmp_path: Path, *more: str) -> Iterator[str]:
    """`serve --record-dir` in a process of its own, yielding its first line; stopped with
    SIGTERM afterwards, which it must answer by ending cleanly."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "rtic_console", "--database", db_url, "serve", "--listen",
         "127.0.0.1:0", "--spool", str(tmp_path / "spool.sqlite3"), "--record-dir",
         str(tmp_path / "recordings"), *more],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield proc.stdout.readline()  # type: ignore[union-attr]
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_serve_records_cameras_into_the_record_dir(db: Database, admin: Context, db_url: str,
                                                   tmp_path: Path) -> None:
    record_dir = tmp_path / "recordings"
    with CameraSimulator(["agency"], size=(320, 180), fps=10) as sim:
        add_camera(db, admin, "CAM-SV-01", stream_url=sim.url("agency"),
                   recording_enabled=True)
        with _recording_service(db_url, tmp_path) as first_line:
            assert f"recording into {record_dir}" in first_line
            assert wait_for(lambda: any(record_dir.rglob("*.*")), 15), "nothing recorded"
    with db.read() as session:
        segments = list(session.scalars(select(RecordingSegment)))
    assert segments, "the segment cut short by the stop is indexed"
    assert all(Path(s.path).is_file() and s.path.startswith(str(record_dir))
               for s in segments)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_serve_stops_recording_on_a_nearly_full_disk_and_health_says_why(
        db: Database, admin: Context, db_url: str, tmp_path: Path) -> None:
    """`--record-min-free` above the disk's real free space: nothing is recorded, and the
    service's /health is degraded with the reason, for the monitoring that watches it."""
    record_dir = tmp_path / "recordings"
    with CameraSimulator(["agency"], size=(320, 180), fps=10) as sim:
        add_camera(db, admin, "CAM-SV-02", stream_url=sim.url("agency"),
                   recording_enabled=True)
        with _recording_service(db_url, tmp_path, "--record-min-free", "999T") as first_line:
            port = int(first_line.split("http://127.0.0.1:")[1].split("/")[0])

            def health() -> dict:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                try:
                    conn.request("GET", "/health")
                    return json.loads(conn.getresponse().read())
                finally:
                    conn.close()

            seen = wait_for(lambda: (h := health()).get("recording", {}).get("disk") and h, 15)
    assert seen["status"] == "degraded"
    assert seen["recording"]["cameras"] == []
    assert any("recording there stopped" in p for p in seen["problems"])
    assert not any(record_dir.rglob("*.*")), "nothing recorded"
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "recording.disk.stop")) == 1


def test_serve_refuses_a_free_space_that_is_not_a_size(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--record-dir", str(tmp_path), "--record-min-free", "lots"])
    assert exit_.value.code == 2
    assert "'lots' is not a size" in capsys.readouterr().err
