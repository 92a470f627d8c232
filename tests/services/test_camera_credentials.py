"""Camera credentials kept apart from the URL, sealed with a key that is not in the database,
shown to no one, never audited; the capture still connects with the whole URL."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring
import pytest
from sqlalchemy import inspect, select, text

from rtic_console.services import camera_credentials, cameras, viewing
from rtic_console.services.camera_credentials import stream_urls
from rtic_console.services.cameras import CameraInput
from rtic_console.services.context import Context, InputRejected
from rtic_console.services.runner import perform, query
from rtic_console.store.camera_key import CAMERA_KEY_ENV, KEYRING_NAME, new_camera_key
from rtic_console.store.credentials import KEYRING_SERVICE
from rtic_console.store.database import Database
from rtic_console.store.memory_keyring import MemoryKeyring, use_memory_keyring
from rtic_console.store.models import CameraCredential, Device
from tests.services.pscn_support import add_camera

FORMS = {
    "CAM-A": "rtsp://viewer:s3cret@10.1.2.3:554/main",
    "CAM-B": "rtsp://10.1.2.4/axis-media/media.amp;user=root;password=s3cret",
    "CAM-C": "http://10.1.2.5/mjpg/video.cgi?user=op&password=s3cret&fps=10",
    "CAM-D": "http://10.1.2.6/live#password=s3cret",
}


def _everything_stored(db: Database) -> str:
    """Every row of every table, audit trail included, as text."""
    with db.read() as session:
        names = inspect(session.connection()).get_table_names()
        return "\n".join(repr(tuple(row)) for name in names
                         for row in session.execute(text(f'SELECT * FROM "{name}"')))  # noqa: S608


def _whole(db: Database, code: str) -> str | None:
    with db.read() as session:
        device = session.scalar(select(Device).where(Device.code == code))
        assert device is not None
        main = stream_urls(session, device).main
        return main.reveal() if main else None


def test_credentials_are_sealed_apart_and_never_stored_or_audited_in_clear(
        db: Database, admin: Context, memory_keyring: MemoryKeyring) -> None:
    for code, url in FORMS.items():
        add_camera(db, admin, code, stream_url=url)
    stored = _everything_stored(db)
    assert "s3cret" not in stored, "no table, audit trail included, holds a credential"
    shown = {v.code: v.display_url for v in query(db, admin, cameras.list_cameras)}
    assert shown == {"CAM-A": "rtsp://***@10.1.2.3:554/main",
                     "CAM-B": "rtsp://10.1.2.4/axis-media/media.amp;user=***;password=***",
                     "CAM-C": "http://10.1.2.5/mjpg/video.cgi?user=***&password=***&fps=10",
                     "CAM-D": "http://10.1.2.6/live#password=***"}
    assert all(_whole(db, code) == url for code, url in FORMS.items()), \
        "the capture still connects with the whole URL"
    with db.read() as session:
        keys = set(session.scalars(select(CameraCredential.key_id)))
    key = memory_keyring.entries[(KEYRING_SERVICE, KEYRING_NAME)]
    assert len(keys) == 1 and key not in stored, "the key is in the keyring, not the database"

    plain = add_camera(db, admin, "CAM-E", stream_url="http://10.1.2.7/video.mjpg")
    with db.read() as session:
        assert session.get(CameraCredential, plain.id) is None, "nothing to seal, nothing kept"


def test_a_url_left_as_shown_keeps_its_credentials_and_a_half_redacted_one_is_refused(
        db: Database, admin: Context) -> None:
    camera = add_camera(db, admin, "CAM-A", stream_url=FORMS["CAM-A"])
    shown = camera.display_url
    perform(db, admin, cameras.edit_camera, camera.id, CameraInput(
        code="CAM-A", name="Renamed", category="agency", stream_url=shown))
    assert _whole(db, "CAM-A") == FORMS["CAM-A"]
    with pytest.raises(InputRejected, match=r"still holds \*\*\*"):
        perform(db, admin, cameras.edit_camera, camera.id, CameraInput(
            code="CAM-A", name="Renamed", category="agency",
            stream_url="rtsp://***@10.9.9.9:554/main"))
    perform(db, admin, cameras.edit_camera, camera.id, CameraInput(
        code="CAM-A", name="Renamed", category="agency", stream_url="rtsp://10.9.9.9/open"))
    assert _whole(db, "CAM-A") == "rtsp://10.9.9.9/open"
    with db.read() as session:
        assert session.get(CameraCredential, camera.id) is None, "old credentials are gone"


def test_a_workstation_without_the_key_opens_no_credentials_until_it_imports_it(
        db: Database, admin: Context, memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-A", stream_url=FORMS["CAM-A"])
    exported = perform(db, admin, camera_credentials.export_camera_key, tmp_path / "key.txt")
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    enrolment = dict(memory_keyring.entries)
    other = use_memory_keyring()  # another workstation: same enrolment, no camera key
    other.entries.update({k: v for k, v in enrolment.items() if k[1] != KEYRING_NAME})

    (tile,) = perform(db, admin, viewing.open_wall, [camera.id], "training").tiles
    assert tile.allowed and tile.streams is None
    assert "holds no camera key" in tile.reason and "camera key import" in tile.reason
    with pytest.raises(InputRejected, match="does not hold the camera key"):
        add_camera(db, admin, "CAM-B", stream_url=FORMS["CAM-B"])

    wrong = tmp_path / "wrong.txt"
    wrong.write_text(new_camera_key().material)
    with pytest.raises(InputRejected, match="another key"):
        perform(db, admin, camera_credentials.import_camera_key, wrong)
    perform(db, admin, camera_credentials.import_camera_key, exported)
    (tile,) = perform(db, admin, viewing.open_wall, [camera.id], "training").tiles
    assert tile.streams is not None and tile.streams.main.reveal() == FORMS["CAM-A"]
    actions = [e.action for e in reversed(_audit(db)) if e.action.startswith("camera.key")]
    assert actions == ["camera.key.export", "camera.key.import.refused", "camera.key.import"]
    assert all(exported.read_text().strip() not in str(e.details) for e in _audit(db))


def test_a_headless_service_takes_the_key_from_the_environment(
        db: Database, admin: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    key = new_camera_key()
    monkeypatch.setenv(CAMERA_KEY_ENV, key.material)
    keyring.set_keyring(keyring.backends.fail.Keyring())  # no OS keyring on the server
    add_camera(db, admin, "CAM-A", stream_url=FORMS["CAM-A"])
    assert _whole(db, "CAM-A") == FORMS["CAM-A"]
    monkeypatch.delenv(CAMERA_KEY_ENV)
    with pytest.raises(InputRejected, match="holds no camera key"):
        _whole(db, "CAM-A")


def _audit(db: Database) -> list:
    from rtic_console.store.audit_log import AuditFilter, list_events

    with db.read() as session:
        return list_events(session, AuditFilter(limit=None))
