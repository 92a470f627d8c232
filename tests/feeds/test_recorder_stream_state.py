"""The recorders report what they see of their cameras' streams, so the Cameras tab says
live or offline for every recorded camera with no wall open, in its own words."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from rtic_console.feeds import recording_supervisor
from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.recording_supervisor import RecordingSupervisor
from rtic_console.feeds.rtsp_server_process import RtspServerProcess, encoders
from rtic_console.services import cameras
from rtic_console.services.context import Context
from rtic_console.services.runner import query
from rtic_console.services.stream_reports import REPORT, report_stream_state
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.feeds.ingest_harness import wait_for
from tests.services.pscn_support import add_camera

WAIT_S = 20.0


@pytest.fixture
def supervisor(db: Database, tmp_path: Path) -> Iterator[RecordingSupervisor]:
    supervisor = RecordingSupervisor(db, tmp_path, segment_s=1.0, refresh_s=600)
    yield supervisor
    supervisor.stop()
    assert not supervisor.is_alive()


def _status(db: Database, ctx: Context, code: str) -> str:
    return {c.code: c for c in query(db, ctx, cameras.list_cameras)}[code].status


def _becomes(db: Database, ctx: Context, code: str, status: str) -> None:
    wait_for(lambda: _status(db, ctx, code) == status, WAIT_S, step=0.2)


def test_a_recorded_camera_is_live_without_a_wall_and_offline_when_it_stops(
        db: Database, admin, supervisor: RecordingSupervisor) -> None:
    sim = CameraSimulator(["agency"], size=(320, 180), fps=10).start()
    try:
        add_camera(db, admin, "CAM-RS1", stream_url=sim.url("agency"), recording_enabled=True)
        assert _status(db, admin, "CAM-RS1") == "unknown"
        supervisor.start()
        # The recorder's stream shows in the store, no wall open.
        _becomes(db, admin, "CAM-RS1", "live")
        seen = {c.code: c for c in query(db, admin, cameras.list_cameras)}["CAM-RS1"]
        time.sleep(2.5)
        again = {c.code: c for c in query(db, admin, cameras.list_cameras)}["CAM-RS1"]
        assert again.last_seen_at == seen.last_seen_at, \
            "a live camera is not written again on every look, only to stay fresh"
    finally:
        sim.stop()
    # A camera that went away is offline.
    _becomes(db, admin, "CAM-RS1", "offline")
    with db.read() as session:
        assert list_events(session, AuditFilter(action=REPORT)) == [], \
            "an observation, like a heartbeat: not audited"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_camera_the_recorder_cannot_reach_is_offline(
        db: Database, admin, supervisor: RecordingSupervisor) -> None:
    add_camera(db, admin, "CAM-RS2", stream_url=f"http://127.0.0.1:{_closed_port()}/agency",
               recording_enabled=True)
    supervisor.start()
    _becomes(db, admin, "CAM-RS2", "offline")


@pytest.mark.skipif("h264" not in encoders(), reason="GStreamer's RTSP server is not "
                    "installed (installer/install_system_libs.sh)")
def test_a_camera_refusing_the_recorder_s_login_is_offline(
        db: Database, admin, supervisor: RecordingSupervisor) -> None:
    server = RtspServerProcess.start(["cam/main=h264:320x180@10"], user="viewer:s3cret")
    try:
        add_camera(db, admin, "CAM-RS3", stream_url=server.url("cam/main", user="viewer:wrong"),
                   recording_enabled=True)
        add_camera(db, admin, "CAM-RS4", stream_url=server.url("cam/main"),
                   recording_enabled=True)
        supervisor.start()
        _becomes(db, admin, "CAM-RS3", "offline")
        # The same server with the right login is live.
        _becomes(db, admin, "CAM-RS4", "live")
    finally:
        server.stop()


def test_a_report_the_database_did_not_take_is_sent_again(
        db: Database, admin, supervisor: RecordingSupervisor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    failures: list[int] = []

    def away_once(session, who, device_id: int, live: bool) -> None:  # type: ignore[no-untyped-def]
        if not failures:
            failures.append(device_id)
            raise OperationalError("UPDATE devices", {}, Exception("server closed the connection"))
        report_stream_state(session, who, device_id, live)

    monkeypatch.setattr(recording_supervisor, "report_stream_state", away_once)
    sim = CameraSimulator(["agency"], size=(320, 180), fps=10).start()
    try:
        add_camera(db, admin, "CAM-RS5", stream_url=sim.url("agency"), recording_enabled=True)
        supervisor.start()
        # The next look sends it again, not the refresh minutes later.
        _becomes(db, admin, "CAM-RS5", "live")
        assert failures, "the first report was lost"
    finally:
        sim.stop()
