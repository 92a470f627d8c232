"""Disk caps of the recordings: settings by an ALPR administrator, the warning once per
crossing, the oldest removable video removed at the cap, and recording stopped rather than
held video or video younger than 90 days deleted (F.5)."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import delete, select

from rtic_console.domain.recording_caps import GIB, CapLevel
from rtic_console.feeds.recording_supervisor import RecordingSupervisor
from rtic_console.services import evidence_holds, recording_caps
from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.services.context import Context, Refused
from rtic_console.services.evidence_holds import HoldRequest
from rtic_console.services.recording_space import EVERY_CAMERA, enforce_caps, stopped_cameras
from rtic_console.services.recordings import SegmentInfo, purge_segments
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.migrations import alembic_config, upgrade
from rtic_console.store.models import Alert, RecordingSegment, RecordingUsage
from tests.refusals import assert_refused
from tests.services.pscn_support import add_camera

MIB = 1024**2


def segment(folder: Path, device_id: int, days_ago: float, size: int) -> SegmentInfo:
    """A real file of `size` bytes (sparse, so a gigabyte costs no disk), indexed as a
    minute of video that ended `days_ago` days ago. The caps never read the video or its
    hash."""
    ended = datetime.now(UTC) - timedelta(days=days_ago)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"seg-{device_id}-{ended:%Y%m%dT%H%M%S%f}.avi"
    with path.open("wb") as out:
        out.truncate(size)
    return SegmentInfo(device_id, str(path), ended - timedelta(minutes=1), ended, 600, 10.0,
                       320, 180, path.stat().st_size,
                       hashlib.sha256(path.name.encode()).hexdigest())


def _events(db: Database, action: str) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


def _alerts(db: Database) -> list[Alert]:
    with db.read() as session:
        return list(session.scalars(select(Alert).where(Alert.kind == "recording_cap")
                                    .order_by(Alert.id)))


def _paths(db: Database) -> set[str]:
    with db.read() as session:
        return set(session.scalars(select(RecordingSegment.path)))


def test_the_warning_reaches_administrators_and_it_once_per_crossing(
        db: Database, admin: Context, tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-CAP-01", recording_enabled=True)
    perform(db, admin, recording_caps.set_cap, "camera_default", "1GiB")
    supervisor = RecordingSupervisor(db, tmp_path, workstation="REC-01")
    for _ in range(3):  # 900 MiB of 1 GiB: 88 %, under the warning
        supervisor.store_segment(segment(tmp_path, camera.id, 100, 300 * MIB))
    assert _alerts(db) == []
    supervisor.store_segment(segment(tmp_path, camera.id, 99, 50 * MIB))  # 93 %
    supervisor.check_caps()
    supervisor.store_segment(segment(tmp_path, camera.id, 98, 10 * MIB))  # 94 %, still over
    alerts = _alerts(db)
    assert {a.for_role for a in alerts} == {"alpr_admin", "it_staff"}
    assert len(alerts) == 2 and "CAM-CAP-01 at 93% of its disk cap" in alerts[0].title
    (warned,) = _events(db, "recording.cap.warn")
    assert warned.object_id == "CAM-CAP-01" and warned.workstation == "REC-01"
    assert sorted(warned.details["alert_ids"]) == [a.id for a in alerts]
    assert warned.details["by"] == "system:recording-caps"
    overview = query(db, admin, recording_caps.show_caps)
    (use,) = overview.cameras
    assert (use.used, use.cap_bytes, use.level) == (960 * MIB, GIB, CapLevel.WARNING)

    perform(db, admin, recording_caps.set_cap, "camera", "2GiB", "CAM-CAP-01")
    supervisor.check_caps()  # under the warning again: the next crossing alerts again
    assert len(_alerts(db)) == 2
    perform(db, admin, recording_caps.set_cap, "camera", "default", "CAM-CAP-01")
    supervisor.check_caps()
    assert len(_alerts(db)) == 4 and len(_events(db, "recording.cap.warn")) == 2


@pytest.mark.policy("F.5")
def test_over_the_cap_the_oldest_unheld_video_past_90_days_goes_held_video_stays(
        db: Database, admin: Context, tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-CAP-02", recording_enabled=True)
    perform(db, admin, recording_caps.set_cap, "camera", "1GiB", "CAM-CAP-02")
    supervisor = RecordingSupervisor(db, tmp_path)
    held = segment(tmp_path, camera.id, 200, 300 * MIB)
    supervisor.store_segment(held)
    perform(db, admin, evidence_holds.place_hold, HoldRequest(
        "24-001234", "assault on the plaza", camera="CAM-CAP-02",
        start=held.started_at, end=held.ended_at))
    oldest_free = segment(tmp_path, camera.id, 150, 300 * MIB)
    next_free = segment(tmp_path, camera.id, 120, 300 * MIB)
    young = segment(tmp_path, camera.id, 10, 300 * MIB)
    for seg in (oldest_free, next_free, young):  # 1200 MiB of 1024
        supervisor.store_segment(seg)
    kept = {held.path, next_free.path, young.path}
    assert _paths(db) == kept, "only the oldest unheld segment past 90 days went"
    assert not Path(oldest_free.path).exists()
    assert all(Path(p).exists() for p in kept)
    (removed,) = _events(db, "recording.cap.remove")
    assert removed.details["segments_removed"] == 1
    assert removed.details["bytes_freed"] == 300 * MIB
    assert removed.details["used_before"] == 1200 * MIB
    assert removed.details["used_after"] == 900 * MIB
    assert removed.details["level"] == "full" and removed.actor_badge is None
    assert len(removed.details["alert_ids"]) == 2
    assert "reached its disk cap" in _alerts(db)[0].title
    with db.read() as session:
        assert session.get(RecordingUsage, camera.id).bytes == 900 * MIB
        assert stopped_cameras(session) == {}

    supervisor.store_segment(segment(tmp_path, camera.id, 5, 300 * MIB))  # over again
    assert next_free.path not in _paths(db)
    assert len(_events(db, "recording.cap.remove")) == 2
    assert len(_alerts(db)) == 2, "removals at the cap alert once, not at every removal"


@pytest.mark.policy("F.5")
def test_a_cap_full_of_held_and_young_video_stops_recording_with_the_reason(
        db: Database, admin: Context, tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-CAP-03", recording_enabled=True,
                        stream_url="rtsp://127.0.0.1:9/none")
    perform(db, admin, recording_caps.set_cap, "camera_default", "1GiB")
    supervisor = RecordingSupervisor(db, tmp_path, refresh_s=0.5)
    held = segment(tmp_path, camera.id, 200, 600 * MIB)
    supervisor.store_segment(held)
    perform(db, admin, evidence_holds.place_hold, HoldRequest(
        "24-001235", "robbery", camera="CAM-CAP-03", start=held.started_at,
        end=held.ended_at))
    young = segment(tmp_path, camera.id, 30, 600 * MIB)
    supervisor.store_segment(young)
    assert _paths(db) == {held.path, young.path}, "nothing that must be kept was deleted"
    assert Path(held.path).exists() and Path(young.path).exists()
    (stop,) = _events(db, "recording.cap.stop")
    assert "600.0 MiB under evidence holds" in stop.reason
    assert "younger than 90 days (F.5)" in stop.reason
    with db.read() as session:
        assert stopped_cameras(session) == {camera.id: stop.reason}
    assert "recording stopped" in _alerts(db)[0].title
    try:
        supervisor.start()
        assert supervisor.reconciled.wait(10)
        assert supervisor.recording == [], "the camera is not recorded while its cap is full"
        assert supervisor.stopped_by_disk_cap == ["CAM-CAP-03"]
        perform(db, admin, recording_caps.set_cap, "camera", "2GiB", "CAM-CAP-03")
        assert _wait(lambda: supervisor.recording == ["CAM-CAP-03"])
        assert supervisor.stopped_by_disk_cap == []
    finally:
        supervisor.stop()
    (resumed,) = _events(db, "recording.cap.resume")
    assert resumed.object_id == "CAM-CAP-03"


def test_the_store_cap_removes_the_oldest_across_cameras_and_stops_every_camera(
        db: Database, admin: Context, tmp_path: Path) -> None:
    one = add_camera(db, admin, "CAM-CAP-04", recording_enabled=True)
    two = add_camera(db, admin, "CAM-CAP-05", recording_enabled=True)
    perform(db, admin, recording_caps.set_cap, "store", "1GiB")
    supervisor = RecordingSupervisor(db, tmp_path)
    first = segment(tmp_path, two.id, 300, 400 * MIB)
    for seg in (first, segment(tmp_path, one.id, 200, 400 * MIB),
                segment(tmp_path, two.id, 20, 400 * MIB)):
        supervisor.store_segment(seg)
    assert first.path not in _paths(db) and len(_paths(db)) == 2
    (removed,) = _events(db, "recording.cap.remove")
    assert removed.object_type == "recordings" and removed.details["cameras"] == ["CAM-CAP-05"]
    supervisor.store_segment(segment(tmp_path, one.id, 1, 400 * MIB))
    supervisor.store_segment(segment(tmp_path, one.id, 0.5, 400 * MIB))
    with db.read() as session:
        assert set(stopped_cameras(session)) == {EVERY_CAMERA}


@pytest.mark.policy("A.2")
def test_only_an_alpr_administrator_sets_a_cap(db: Database, admin: Context, enrol) -> None:
    it_staff = enrol("7401", "it_staff")
    assert query(db, it_staff, recording_caps.show_caps).caps
    assert_refused(db, lambda: perform(db, it_staff, recording_caps.set_cap, "store", "20T"),
                   action="recording.cap.set", error=Refused)
    assert_refused(db, lambda: perform(db, admin, recording_caps.set_cap, "store", "5MB"),
                   action="recording.cap.set", match="at least 1.0 GiB")


def test_setting_a_cap_is_audited_with_the_previous(db: Database, admin: Context) -> None:
    perform(db, admin, recording_caps.set_cap, "store", "20T")
    overview = perform(db, admin, recording_caps.set_cap, "store", "25T")
    (cap, _) = overview.caps
    assert (cap.cap_bytes, cap.updated_by) == (25 * 1000**4, "1001")
    latest = _events(db, "recording.cap.set")[0]
    assert latest.details == {"scope": "store", "cap_bytes": 25 * 1000**4,
                              "previous": 20 * 1000**4}
    assert overview.notes == ()


def test_a_cap_above_the_stores_is_named(db: Database, admin: Context) -> None:
    """Accepted (the store's cap may be raised later) but said: it cannot bind as set."""
    add_camera(db, admin, "CAM-CAP-20", recording_enabled=True)
    perform(db, admin, recording_caps.set_cap, "store", "50G")
    overview = perform(db, admin, recording_caps.set_cap, "camera_default", "100G")
    assert overview.notes == ("Each camera (unless it has its own cap) (93.1 GiB) is above "
                              "the cap of all recordings together (46.6 GiB), which is "
                              "reached first.",)
    overview = perform(db, admin, recording_caps.set_cap, "camera", "200G", "CAM-CAP-20")
    assert overview.notes[1].startswith("CAM-CAP-20's own cap (186.3 GiB) is above")
    assert perform(db, admin, recording_caps.set_cap, "store", "1T").notes == ()


def _wait(condition, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _usage(db: Database) -> dict[int, tuple[int, int]]:
    with db.read() as session:
        return {u.device_id: (u.bytes, u.segments)
                for u in session.scalars(select(RecordingUsage))}


def test_usage_is_counted_from_the_segments_stored_and_kept_by_every_writer(
        owner_db: Database, db: Database, admin: Context, tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-CAP-06", recording_enabled=True)
    cfg = alembic_config(owner_db)
    with owner_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0019")
    with owner_db.write() as session:
        session.add_all(RecordingSegment(**segment(tmp_path, camera.id, day, size).__dict__)
                        for day, size in ((3, 10 * MIB), (2, 20 * MIB)))
    upgrade(owner_db)
    assert _usage(db) == {camera.id: (30 * MIB, 2)}
    with db.write() as session:  # any writer, even one by hand, is counted by the database
        session.add(RecordingSegment(**segment(tmp_path, camera.id, 1, 5 * MIB).__dict__))
        session.flush()
        session.execute(delete(RecordingSegment).where(
            RecordingSegment.size_bytes == 10 * MIB))
    assert _usage(db) == {camera.id: (25 * MIB, 2)}


@pytest.mark.postgres
def test_the_purge_waits_while_a_cap_check_removes_segments(pg_db: Database) -> None:
    """Both take the oldest segments and their triggers update the per-camera use: one
    remover at a time, or the two deadlock on the use rows they update in other orders."""
    checking, release, purged = threading.Event(), threading.Event(), threading.Event()

    def cap_check() -> None:
        with pg_db.write() as session:
            enforce_caps(session, SystemIdentity("recording-caps", "TEST-WS-01"))
            checking.set()
            release.wait(10)

    def purge() -> None:
        with pg_db.write() as session:
            purge_segments(session, datetime.now(UTC), {}, 100)
        purged.set()

    checker = threading.Thread(target=cap_check)
    checker.start()
    try:
        assert checking.wait(10)
        purger = threading.Thread(target=purge)
        purger.start()
        assert not purged.wait(1.0), "the purge went on while the cap check was removing"
    finally:
        release.set()
        checker.join(10)
    purger.join(10)
    assert purged.is_set(), "the purge goes on once the cap check commits"
