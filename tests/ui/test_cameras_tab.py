"""The Cameras tab as IT staff use it: F.1 categories, inline refusals, stream tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.services.camera_credentials import stream_urls
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import Device
from rtic_console.ui.admin.camera_dialog import CameraDialog
from rtic_console.ui.admin.cameras_widget import CamerasWidget
from tests.services.pscn_support import add_camera

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def sim() -> Iterator[CameraSimulator]:
    with CameraSimulator(["lobby"], size=(320, 180), fps=15) as simulator:
        yield simulator


@pytest.fixture
def widget(qtbot, console_session, db: Database, admin, enrol) -> CamerasWidget:
    add_camera(db, admin, "CAM-AG-01")
    add_camera(db, admin, "CAM-PD-01", "private_donor")
    w = CamerasWidget(console_session(enrol("7101", "it_staff")))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.rowCount() == 2, timeout=10000)
    return w


def _column(widget: CamerasWidget, code: str) -> list[str]:
    for row in range(widget.model.rowCount()):
        if widget.model.row_at(row).code == code:
            return [widget.model.index(row, c).data() for c in range(widget.model.columnCount())]
    raise AssertionError(f"{code} not in the table")


def _events(db: Database, action: str) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


@pytest.mark.policy("F.1")
def test_add_and_edit_a_camera_with_its_category(qtbot, widget: CamerasWidget,
                                                 db: Database) -> None:
    dialog = CameraDialog(widget._session, None, widget)
    qtbot.addWidget(dialog)
    dialog.code.setText("cam-tr-07")
    dialog.name.setText("Broadway & 16th St")
    dialog.category.setCurrentIndex(dialog.category.findData("city_traffic"))
    dialog.area.setText("Land Park")
    dialog.stream_url.setText("rtsp://viewer:s3cret@10.20.0.7:554/main")
    dialog.recording.setChecked(True)
    dialog.retention.setValue(180)
    dialog.save_button.click()
    # The row comes with the change event, dialog.saved with the write's answer: either first.
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3 and dialog.saved is not None,
                    timeout=10000)
    row = _column(widget, "CAM-TR-07")
    assert row[2] == "City traffic" and row[7] == "on, 180 days"
    assert row[5] == "rtsp://***@10.20.0.7:554/main", "the table never shows credentials"
    assert "s3cret" not in " ".join(map(str, row))
    assert _column(widget, "CAM-PD-01")[7] == "never (donor, G.1)"

    widget.select_camera(dialog.saved.id)
    edit = CameraDialog(widget._session, widget.selected(), widget)
    qtbot.addWidget(edit)
    assert edit.stream_url.text() == "rtsp://***@10.20.0.7:554/main", \
        "the edit dialog shows no credential"
    edit.name.setText("Broadway & 16th Street")
    edit.save_button.click()
    qtbot.waitUntil(lambda: _column(widget, "CAM-TR-07")[1] == "Broadway & 16th Street",
                    timeout=10000)
    with db.read() as session:
        device = session.get(Device, dialog.saved.id)
        assert stream_urls(session, device).main.reveal() == \
            "rtsp://viewer:s3cret@10.20.0.7:554/main", "left as shown, the credentials stay"
    (event,) = _events(db, "camera.edit")
    assert event.details["changed"] == ["name"] and event.actor_badge == "7101"

    widget.category_filter.setCurrentIndex(widget.category_filter.findData("private_donor"))
    assert widget.proxy.rowCount() == 1


@pytest.mark.policy("G.1")
def test_refusals_are_shown_in_the_dialog(qtbot, widget: CamerasWidget) -> None:
    dialog = CameraDialog(widget._session, None, widget)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.code.setText("CAM-PD-09")
    dialog.name.setText("Corner store (donor)")
    dialog.stream_url.setText("ftp://10.0.0.9/video")
    dialog.save_button.click()
    qtbot.waitUntil(dialog.message.isVisible, timeout=10000)
    assert "Stream URL must start with" in dialog.message.text()

    dialog.stream_url.setText("rtsp://10.0.0.9/video")
    dialog.category.setCurrentIndex(dialog.category.findData("private_donor"))
    assert not dialog.recording.isEnabled() and not dialog.recording.isChecked()
    assert "never recorded" in dialog.recording_note.text()
    dialog.recording.setChecked(True)  # forced past the absent control: the service refuses
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "Recording cannot be enabled" in dialog.message.text(),
                    timeout=10000)
    assert dialog.isVisible() and dialog.saved is None
    assert widget.model.rowCount() == 2


def test_stream_test_reports_size_or_reason(qtbot, widget: CamerasWidget, db: Database,
                                            sim: CameraSimulator) -> None:
    dialog = CameraDialog(widget._session, None, widget)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.stream_url.setText(sim.url("lobby"))
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Stream OK" in dialog.probe_result.text(), timeout=15000)
    assert "320×180" in dialog.probe_result.text() and "fps" in dialog.probe_result.text()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dialog.stream_url.setText(f"http://ops:s3cret@127.0.0.1:{port}/video.mjpg")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Cannot read" in dialog.probe_result.text(), timeout=15000)
    assert "unreachable" in dialog.probe_result.text()
    assert "s3cret" not in dialog.probe_result.text()
    qtbot.waitUntil(lambda: len(_events(db, "camera.check")) == 2, timeout=5000)
    ok, failed = sorted(_events(db, "camera.check"), key=lambda e: e.seq)
    assert ok.details["ok"] and ok.details["width"] == 320
    assert not failed.details["ok"] and "s3cret" not in failed.object_id
