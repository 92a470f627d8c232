"""Recorded video from the console: an evidence export whose manifest hash matches the clip
(F.4), never a donor camera (G.1), and playback after a stated purpose (F.2)."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from rtic_console.services import recordings
from rtic_console.services.cameras import CameraView
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.ui.wall.export_dialog import ExportDialog
from rtic_console.ui.wall.playback_dialog import PlaybackDialog
from tests.services.pscn_support import add_camera, write_segment

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

T0 = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)


@pytest.fixture
def recorded(db: Database, admin, tmp_path: Path) -> tuple[CameraView, CameraView, list]:
    """An agency camera with three 2-second segments from T0 (a gap of 2 s before the last),
    and a donor camera, which has nothing recorded and never will."""
    agency = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    donor = add_camera(db, admin, "CAM-PD-01", "private_donor")
    segments = [write_segment(tmp_path / "rec", agency.id, T0, 10, first=0),
                write_segment(tmp_path / "rec", agency.id, T0 + timedelta(seconds=2), 10,
                              first=10),
                write_segment(tmp_path / "rec", agency.id, T0 + timedelta(seconds=6), 10,
                              first=20)]
    for segment in segments:
        with db.write() as session:
            recordings.index_segment(session, segment)
    return agency, donor, segments


def _events(db: Database, action: str) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


def _dialog(qtbot, console_session, admin, camera_id: int) -> ExportDialog:
    dialog = ExportDialog(console_session(admin), camera_id, T0 + timedelta(seconds=1),
                          T0 + timedelta(seconds=7))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.camera.count() > 0, timeout=10000)
    return dialog


@pytest.mark.policy("F.4")
def test_export_manifest_hash_matches_the_clip(qtbot, console_session, admin, db: Database,
                                               recorded, tmp_path: Path) -> None:
    agency, _donor, segments = recorded
    dialog = _dialog(qtbot, console_session, admin, agency.id)
    dialog.case_number.setText("26-004512")
    dialog.report_number.setText("RPT-88")
    dialog.purpose.setText("Robbery at K St Mall")
    dialog.folder.setText(str(tmp_path / "evidence"))
    assert not dialog.export_button.isEnabled(), "nothing is exported before the preview"
    dialog.preview_button.click()
    qtbot.waitUntil(dialog.preview.isVisible, timeout=10000)
    assert "1 gap with no recording" in dialog.preview_text.toPlainText()
    assert dialog.export_button.text() == "Export anyway" and dialog.gap_warning.isVisible()
    assert not (tmp_path / "evidence").exists(), "the preview writes nothing"
    # Return now exports; it never presses Close, which would lose the typed fields.
    assert dialog.focusWidget() is dialog.export_button and dialog.export_button.isDefault()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Close).autoDefault()
    dialog.export_button.click()
    assert dialog.busy
    qtbot.waitUntil(lambda: dialog.exported is not None, timeout=20000)

    result = dialog.exported
    clip_sha = hashlib.sha256(result.clip_path.read_bytes()).hexdigest()
    manifest = json.loads(Path(dialog.manifest_path.text()).read_text())
    assert manifest["clip"]["sha256"] == clip_sha == dialog.clip_sha256.text()
    assert Path(dialog.clip_path.text()) == result.clip_path
    assert manifest["case_number"] == "26-004512" and manifest["report_number"] == "RPT-88"
    assert [s["sha256"] for s in manifest["segments"]] == [s.sha256 for s in segments]
    assert dialog.progress.text().startswith("Done") and not dialog.busy
    assert not dialog.preview.isVisible(), "the results take the preview's place"
    assert dialog.height() <= 800, "the buttons stay on a 1000-pixel screen"
    assert "1 gap listed" in dialog.progress.text()
    assert result.clip_path.suffix == ".mp4" and len(result.originals) == 3
    dialog.purpose.setText("Robbery at K St Mall, second copy")
    assert not dialog.export_button.isEnabled(), "a changed request needs a new preview"
    dialog.preview_button.click()
    qtbot.waitUntil(dialog.export_button.isEnabled, timeout=10000)
    (event,) = _events(db, "evidence.export")
    assert event.details["clip_sha256"] == clip_sha

    with open(segments[1].path, "r+b") as f:  # a source segment altered after recording
        f.seek(400)
        f.write(b"tampered")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    assert "no longer matches its recorded hash" in dialog.message.text()
    (refusal,) = _events(db, "evidence.export.refused")
    assert refusal.details["clause"] == "F.4"


@pytest.mark.policy("G.1")
def test_donor_cameras_are_not_offered_for_export_or_playback(qtbot, console_session, admin,
                                                              recorded) -> None:
    agency, donor, _segments = recorded
    dialog = _dialog(qtbot, console_session, admin, donor.id)
    offered = [dialog.camera.itemData(i) for i in range(dialog.camera.count())]
    assert offered == [agency.id] and dialog.camera.currentData() == agency.id

    playback = PlaybackDialog(console_session(admin), donor, purpose="evidence_collection")
    qtbot.addWidget(playback)
    assert not playback.load_button.isEnabled() and playback.worker is None
    assert "never recorded" in playback.view.note


@pytest.mark.policy("F.2")
def test_playback_asks_why_then_plays_on_a_timeline_and_scrubs(qtbot, console_session, admin,
                                                              db: Database, recorded) -> None:
    agency, _donor, _segments = recorded
    dialog = PlaybackDialog(console_session(admin), agency, T0 - timedelta(minutes=1),
                            T0 + timedelta(minutes=1))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load_button.click()
    qtbot.waitUntil(dialog.message.isVisible, timeout=10000)
    assert "State why" in dialog.message.text() and dialog.worker is None

    dialog.purpose.setCurrentIndex(dialog.purpose.findData("evidence_collection"))
    dialog.reference.setText("26-55")
    dialog.load_button.click()
    qtbot.waitUntil(lambda: dialog.view.image is not None, timeout=10000)
    (lane,) = dialog.timeline.lanes
    assert len(lane.recorded) == 3 and len(lane.gaps) == 3, "before, between, after"
    worker = dialog.worker
    assert worker is not None and worker.name.endswith("Worker") and dialog.clock.playing
    assert dialog.timeline.cursor >= T0
    dialog.play_button.click()
    qtbot.waitUntil(lambda: dialog.play_button.text() == "Play", timeout=2000)
    dialog.next_button.click()  # the start of segment 2: grey level 10 * 8
    qtbot.waitUntil(lambda: dialog.worker.latest()[1].segment == 1, timeout=5000)
    qtbot.waitUntil(lambda: abs(round(float(dialog.view._frame.mean())) - 80) <= 2,
                    timeout=5000)
    # Scrubbing: a click on the timeline, then the arrow keys, move the one cursor.
    dialog.timeline.setFocus()
    target = T0 + timedelta(seconds=7)
    qtbot.mouseClick(dialog.timeline, Qt.MouseButton.LeftButton,
                     pos=QPoint(round(dialog.timeline.x_of(target)), 20))
    assert abs((dialog.clock.now() - target).total_seconds()) < 0.5
    qtbot.waitUntil(lambda: dialog.worker.latest()[1].segment == 2, timeout=5000)
    before = dialog.clock.now()
    qtbot.keyClick(dialog.timeline, Qt.Key.Key_Left)
    assert dialog.clock.now() == before - timedelta(seconds=1)
    # Into the gap between segments 2 and 3: no picture, said so.
    qtbot.keyClick(dialog.timeline, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: "no recording at" in dialog.view.caption, timeout=5000)
    dialog.speed.setCurrentIndex(dialog.speed.findData(8.0))
    assert dialog.clock.speed == 8.0
    dialog.play_button.click()  # plays through: the shared gap is skipped, the end reached
    qtbot.waitUntil(lambda: "End of the recordings" in dialog.message.text(), timeout=15000)
    (event,) = _events(db, "pscn.playback")
    assert event.details["purpose"] == "evidence_collection" and event.details["segments"] == 3
    dialog.close()
    assert dialog.worker is None and not worker.is_alive()
    assert worker not in threading.enumerate()


@pytest.mark.policy("F.2")
def test_a_canvass_shows_cameras_side_by_side_at_one_moment(qtbot, console_session, admin,
                                                            db: Database, recorded,
                                                            tmp_path: Path) -> None:
    agency, _donor, _segments = recorded
    other = add_camera(db, admin, "CAM-AG-02", recording_enabled=True)
    with db.write() as session:
        recordings.index_segment(session, write_segment(
            tmp_path / "rec2", other.id, T0 + timedelta(seconds=3), 10, first=30))
    dialog = PlaybackDialog(console_session(admin), agency, T0 - timedelta(seconds=5),
                            T0 + timedelta(seconds=15), purpose="evidence_collection",
                            reference="26-55")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.add_camera.count() == 1, timeout=10000)
    assert dialog.add_camera.currentData().code == "CAM-AG-02", "never the donor camera"
    dialog.add_button.click()
    qtbot.waitUntil(lambda: len(dialog.workers) == 2, timeout=10000)
    assert [lane.label for lane in dialog.timeline.lanes] == ["CAM-AG-01", "CAM-AG-02"]
    dialog.clock.pause()
    dialog.clock.seek(T0 + timedelta(seconds=3, milliseconds=100))
    qtbot.waitUntil(lambda: all(
        (w.latest() or (None, None))[1] is not None
        and w.latest()[1].at == T0 + timedelta(seconds=3) for w in dialog.workers.values()),
        timeout=5000)
    levels = {c: round(float(v._frame.mean())) for c, v in dialog.views.items()
              if v._frame is not None}
    qtbot.waitUntil(lambda: len({c for c, v in dialog.views.items()
                                 if v._frame is not None}) == 2, timeout=5000)
    levels = {c: round(float(v._frame.mean())) for c, v in dialog.views.items()}
    assert abs(levels[agency.id] - 15 * 8) <= 2 and abs(levels[other.id] - 30 * 8) <= 2
    assert len(_events(db, "pscn.playback")) == 3, "each camera's load is audited"
    dialog.single_button.click()
    qtbot.waitUntil(lambda: list(dialog.workers) == [agency.id], timeout=10000)
    dialog.close()
