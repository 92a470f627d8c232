"""The recordings disk's free space: under its floor recording stops, whatever the caps say,
with an audit event and one alert each for the ALPR administrators and IT; the service's
/health says why; a service started again with room records the resumption."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from rtic_console.domain.recording_caps import GIB
from rtic_console.feeds.recording_supervisor import RecordingSupervisor
from rtic_console.services.context import Context
from rtic_console.services.recording_disk import DISK_ALERT, RESUME, STOP
from rtic_console.store.audit_log import AuditFilter, AuditRecord, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import Alert
from tests.services.pscn_support import add_camera

WORKSTATION = "REC-WS-01"


def _wait(condition: Callable[[], object], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


def _events(db: Database, action: str) -> list[AuditRecord]:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


def _alerts(db: Database) -> list[Alert]:
    with db.read() as session:
        return list(session.scalars(select(Alert).where(Alert.kind == DISK_ALERT)
                                    .order_by(Alert.id)))


def _supervisor(db: Database, folder: Path, min_free: int) -> RecordingSupervisor:
    return RecordingSupervisor(db, folder, refresh_s=0.5, workstation=WORKSTATION,
                               min_free=min_free)


@contextmanager
def _running(supervisor: RecordingSupervisor) -> Iterator[RecordingSupervisor]:
    """Started, its first look at the cameras taken; stopped afterwards."""
    try:
        supervisor.start()
        assert supervisor.reconciled.wait(10)
        yield supervisor
    finally:
        supervisor.stop()


def _nearly_full(tmp_path: Path) -> int:
    """A floor 10 GiB above what the disk really has free now."""
    return shutil.disk_usage(tmp_path).free + 10 * GIB


@pytest.mark.policy("F.5")
def test_under_the_floor_recording_stops_with_one_alert_each_and_the_audit_event(
        db: Database, admin: Context, tmp_path: Path) -> None:
    """The disk really has less free space than a floor 10 GiB above what it has now."""
    add_camera(db, admin, "CAM-DSK-01", recording_enabled=True,
               stream_url="rtsp://127.0.0.1:9/none")
    folder = tmp_path / "recordings"
    floor = _nearly_full(tmp_path)
    with _running(_supervisor(db, folder, floor)) as supervisor:
        assert supervisor.recording == [], "no camera is recorded on a nearly full disk"
        low = supervisor.disk_low
        assert low is not None and low.floor == floor
        section, problems = supervisor.health()
        assert section["disk"] and section["disk"]["floor_bytes"] == floor
        assert any("recording there stopped" in p for p in problems)
        time.sleep(1.2)  # two more looks at the disk: still one stop, one alert each
    (stop,) = _events(db, STOP)
    assert stop.actor_badge is None and stop.object_id == WORKSTATION
    details = stop.details
    assert details["floor_bytes"] == floor and details["free_bytes"] < floor
    assert details["by"] == "system:recording-disk"
    alerts = _alerts(db)
    assert sorted(a.for_role for a in alerts) == ["alpr_admin", "it_staff"]
    assert sorted(details["alert_ids"]) == sorted(a.id for a in alerts)
    assert not list(folder.rglob("*.*")), "nothing was written to the disk"


def test_a_service_started_again_with_room_records_and_writes_the_resumption(
        db: Database, admin: Context, tmp_path: Path) -> None:
    add_camera(db, admin, "CAM-DSK-02", recording_enabled=True,
               stream_url="rtsp://127.0.0.1:9/none")
    folder = tmp_path / "recordings"
    with _running(_supervisor(db, folder, _nearly_full(tmp_path))) as low:
        assert low.recording == []
    with _running(_supervisor(db, folder, GIB // 2)) as again:  # freed, and started again
        assert _wait(lambda: again.recording == ["CAM-DSK-02"])
        assert again.disk_low is None and again.health()[1] == []
    (resumed,) = _events(db, RESUME)
    assert resumed.object_id == WORKSTATION
    (restarted,) = [e for e in _events(db, STOP)]
    assert restarted.seq < resumed.seq
    # A second restart still stopped (its alerts not acknowledged) alerts no one again.
    with _running(_supervisor(db, folder, _nearly_full(tmp_path))) as third:
        assert third.recording == []
    assert len(_events(db, STOP)) == 2
    assert len(_alerts(db)) == 2, "the open alerts stand; no new ones"
