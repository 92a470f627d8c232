"""`camera check`, `camera list` and `export` from the terminal, against the real simulator."""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rtic_console.cli.main import main
from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.services import recordings
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.services.pscn_support import add_camera, write_segment
from tests.support import PASSWORD


@pytest.fixture
def as_person(db: Database, monkeypatch, capsys):
    monkeypatch.setenv("RTIC_PASSWORD", PASSWORD)
    url = db.url.render_as_string(hide_password=False)

    def run(badge: str | None, *argv: str) -> tuple[int, str, str]:
        code = main(["--database", url, *(["--as", badge] if badge else []), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="module")
def sim() -> Iterator[CameraSimulator]:
    with CameraSimulator(["gate"], size=(320, 180), fps=15) as simulator:
        yield simulator


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _checks(db: Database) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action="camera.check"))


def test_camera_check_reports_resolution_fps_and_latency(as_person, enrol, db: Database,
                                                         sim: CameraSimulator) -> None:
    enrol("7401", "it_staff", sign=False)
    code, out, err = as_person("7401", "camera", "check", sim.url("gate"), "--frames", "5")
    assert code == 0, err
    assert "320x180" in out and "fps" in out and "first frame after" in out
    code, out, _ = as_person("7401", "camera", "check", sim.url("gate"), "--frames", "3",
                             "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and (report["width"], report["height"]) == (320, 180)
    assert report["frames_read"] == 3 and report["first_frame_latency_ms"] > 0
    events = _checks(db)
    assert len(events) == 2 and all(e.details["ok"] and e.actor_badge == "7401" for e in events)


def test_camera_check_of_a_dead_stream_exits_1_with_the_reason(as_person, enrol,
                                                               db: Database) -> None:
    enrol("7401", "it_staff", sign=False)
    url = f"http://inspector:hunter2@127.0.0.1:{_closed_port()}/stream/x.mjpg?token=abc"
    code, out, err = as_person("7401", "camera", "check", url, "--timeout", "2")
    assert code == 1, err
    assert "cannot read http://***@127.0.0.1:" in out and "unreachable" in out
    assert "hunter2" not in out + err and "abc" not in out + err
    (event,) = _checks(db)
    assert not event.details["ok"] and "unreachable" in event.reason
    assert "hunter2" not in str(event.details) + (event.object_id or "")


@pytest.mark.policy("A.2")
def test_camera_check_needs_a_camera_manager(as_person, enrol, sim: CameraSimulator) -> None:
    enrol("5201", "dispatcher", sign=False)
    code, _, err = as_person("5201", "camera", "check", sim.url("gate"))
    assert code == 2 and "Only ALPR administrator, Public-safety IT" in err
    assert err.count("\n") == 1
    code, _, err = as_person(None, "camera", "check", sim.url("gate"))
    assert code == 2 and "--as BADGE" in err
    enrol("7401", "it_staff", sign=False)
    code, _, err = as_person("7401", "camera", "check", "gopher://old.example/cam")
    assert code == 2 and "must start with rtsp://" in err


def test_camera_list_hides_stream_credentials(as_person, admin, db: Database) -> None:
    add_camera(db, admin, "CAM-AG-01")
    add_camera(db, admin, "CAM-PD-01", "private_donor")
    code, out, err = as_person("1001", "camera", "list", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["code"] for r in rows] == ["CAM-AG-01", "CAM-PD-01"]
    assert rows[0]["stream_url"] == "rtsp://***@10.1.2.3:554/CAM-AG-01"
    assert rows[1]["category"] == "private_donor" and "s3cret" not in out
    code, out, _ = as_person("1001", "camera", "list")
    assert code == 0 and "Private donor" in out and "s3cret" not in out


@pytest.mark.policy("G.1")
def test_export_writes_the_clip_and_is_refused_for_donor_cameras(as_person, admin,
                                                                 db: Database,
                                                                 tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    add_camera(db, admin, "CAM-PD-01", "private_donor")
    t0 = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    with db.write() as session:
        recordings.index_segment(session, write_segment(tmp_path / "rec", camera.id, t0, 10))
    span = ["--from", t0.isoformat(), "--to", (t0 + timedelta(seconds=2)).isoformat()]
    code, _, err = as_person("1001", "export", "--camera", "CAM-PD-01", *span, "--case",
                             "26-1", "--out", str(tmp_path / "out"))
    assert code == 2 and "never recorded, stored, snapshotted or exported" in err
    assert err.count("\n") == 1 and not (tmp_path / "out").exists()
    code, out, err = as_person("1001", "export", "--camera", "CAM-AG-01", *span, "--case",
                               "26-1", "--report", "R-9", "--out", str(tmp_path / "out"))
    assert code == 2 and "names its recipient" in err and not (tmp_path / "out").exists()
    code, out, err = as_person("1001", "export", "--camera", "CAM-AG-01", *span, "--case",
                               "26-1", "--report", "R-9", "--out", str(tmp_path / "out"),
                               "--recipient", "spd")
    assert code == 0, err
    (clip,) = (tmp_path / "out").glob("*.mp4")
    assert hashlib.sha256(clip.read_bytes()).hexdigest() in out
    manifest = json.loads(next((tmp_path / "out").glob("*.manifest.json")).read_text())
    assert manifest["report_number"] == "R-9" and manifest["clip"]["frames"] == 10
    assert manifest["recipient"]["recipient"] == "SPD internal use, case 26-1"


@pytest.mark.policy("F.4")
def test_export_shows_the_gaps_and_needs_allow_gaps_from_a_script(as_person, admin,
                                                                  db: Database,
                                                                  tmp_path: Path) -> None:
    """Recording began 4 s into the range asked for: a script is stopped before anything
    is written, and with --allow-gaps the export names and lists what it holds."""
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    t0 = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    with db.write() as session:
        recordings.index_segment(session, write_segment(
            tmp_path / "rec", camera.id, t0 + timedelta(seconds=4), 10))
    argv = ["export", "--camera", "CAM-AG-01", "--from", t0.isoformat(), "--to",
            (t0 + timedelta(seconds=6)).isoformat(), "--case", "26-1", "--recipient", "spd",
            "--out", str(tmp_path / "out")]
    code, out, err = as_person("1001", *argv)
    assert code == 3 and "1 gap with no recording" in err and "--allow-gaps" in err
    assert not (tmp_path / "out").exists()
    code, out, err = as_person("1001", *argv, "--allow-gaps")
    assert code == 0, err
    assert "1 gap in the range asked for" in out and "Originals: 1 segment file" in out
    (clip,) = (tmp_path / "out").glob("*.mp4")
    assert clip.name.startswith(f"CAM-AG-01-{t0 + timedelta(seconds=4):%Y%m%dT%H%M%SZ}-")
    manifest = json.loads(next((tmp_path / "out").glob("*.manifest.json")).read_text())
    assert manifest["gaps"][0]["seconds"] == 4.0


def test_camera_add_seals_the_credentials_and_list_never_shows_them(
        as_person, admin, db: Database) -> None:
    forms = {"CAM-AG-07": "rtsp://viewer:s3cret@10.1.2.7/main",
             "CAM-AG-08": "rtsp://10.1.2.8/media.amp;user=root;password=s3cret",
             "CAM-AG-09": "http://10.1.2.9/video.cgi?pwd=s3cret#token=s3cret"}
    for code, url in forms.items():
        code_, out, err = as_person("1001", "camera", "add", code, "--name", f"Camera {code}",
                                    "--category", "agency", "--url", url)
        assert code_ == 0, err
        assert "s3cret" not in out and "***" in out
    code, out, err = as_person("1001", "camera", "list", "--json")
    assert code == 0 and "s3cret" not in out
    assert {r["code"]: r["stream_url"] for r in json.loads(out)} == {
        "CAM-AG-07": "rtsp://***@10.1.2.7/main",
        "CAM-AG-08": "rtsp://10.1.2.8/media.amp;user=***;password=***",
        "CAM-AG-09": "http://10.1.2.9/video.cgi?pwd=***#token=***"}
    with db.read() as session:
        added = list_events(session, AuditFilter(action="camera.add"))
    assert len(added) == 3 and "s3cret" not in str([e.details for e in added])
    code, _, err = as_person("1001", "camera", "add", "CAM-X", "--name", "X", "--category",
                             "neighbour", "--url", "rtsp://10.0.0.1/x")
    assert code == 2 and "category must be one of: agency, city, city_traffic" in err


def test_camera_add_takes_the_rtsp_transport(as_person, admin, db: Database) -> None:
    code, _, err = as_person("1001", "camera", "add", "CAM-CY-03", "--name", "J St", "--category",
                             "city", "--url", "rtsp://10.1.2.3/101", "--substream-url",
                             "rtsp://10.1.2.3/102", "--transport", "udp")
    assert code == 0, err
    code, out, _ = as_person("1001", "camera", "list", "--json")
    (row,) = json.loads(out)
    assert (row["transport"], row["substream_url"]) == ("udp", "rtsp://10.1.2.3/102")


@pytest.mark.policy("G.1")
def test_camera_check_of_a_donor_camera_reports_connectivity_only(
        as_person, admin, db: Database, sim: CameraSimulator) -> None:
    add_camera(db, admin, "CAM-PD-01", "private_donor", stream_url=sim.url("gate"))
    code, out, err = as_person("1001", "camera", "check", "CAM-PD-01", "--frames", "3",
                               "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] and report["decoded"] is False and report["width"] == 320
    (event,) = _checks(db)
    assert event.details["decoded"] is False
