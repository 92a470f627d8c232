"""ONVIF cameras and PTZ: saved with sealed credentials, each move audited with the viewing
purpose, ranges clamped or refused, donor cameras never moved (G.3.c). Against the real
loopback ONVIF responder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rtic_console.domain.ptz import PtzCommand, PtzMove, PtzRange
from rtic_console.feeds.onvif_client import OnvifAddress
from rtic_console.feeds.onvif_responder import OnvifResponder, ResponderProfile
from rtic_console.feeds.onvif_workflows import camera_presets, read_onvif_camera, steer_camera
from rtic_console.services import onvif_cameras, ptz
from rtic_console.services.cameras import CameraInput
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.onvif_cameras import OnvifSettings
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.pscn_support import add_agreement, add_camera


@pytest.fixture
def responder() -> Iterator[OnvifResponder]:
    with OnvifResponder([ResponderProfile("main", "Main", 1280, 720,
                                          "http://127.0.0.1:9/stream/main.mjpg"),
                         ResponderProfile("sub", "Sub", 640, 360,
                                          "http://127.0.0.1:9/stream/sub.mjpg")],
                        user="onvif", password="Pa55word") as camera:
        yield camera


def _ptz_camera(db: Database, ctx: Context, responder: OnvifResponder, code: str = "CAM-AG-09",
                category: str = "agency") -> int:
    address = OnvifAddress.parse(f"127.0.0.1:{responder.port}", "onvif", "Pa55word")
    info = read_onvif_camera(db, ctx, address, timeout_s=5)
    assert info.main is not None and info.ptz_range is not None
    view = perform(db, ctx, onvif_cameras.save_onvif_camera, None, CameraInput(
        code=code, name=f"{info.manufacturer} {info.model}", category=category,
        stream_url=info.main.stream_uri, substream_url=info.sub.stream_uri if info.sub else None),
        OnvifSettings(address.url(), info.main.token, True, info.ptz_range, 5))
    return view.id


def _events(db: Database, action: str) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


def test_an_onvif_camera_is_read_saved_and_steered_with_its_purpose(
        db: Database, admin: Context, responder: OnvifResponder) -> None:
    camera_id = _ptz_camera(db, admin, responder)
    saved = query(db, admin, onvif_cameras.camera_onvif, camera_id)
    assert saved is not None and saved.profile_token == "main"
    assert "Pa55word" not in saved.address and "***@" in saved.address, "sealed apart"
    assert saved.ptz_range == PtzRange(tilt=(-0.5, 0.5))
    assert [e.object_id for e in _events(db, "camera.onvif.read")] == [
        f"http://***@127.0.0.1:{responder.port}/onvif/device_service"]

    target = query(db, admin, ptz.ptz_target, camera_id)
    assert target is not None and target.refusal is None and target.home_after_minutes == 5

    moved = steer_camera(db, admin, camera_id, PtzCommand(PtzMove.RELATIVE, pan=0.25, tilt=0.1),
                         "monitoring_event")
    assert (moved.position.pan, moved.position.tilt) == pytest.approx((0.25, 0.1))
    assert responder.position()[:2] == pytest.approx((0.25, 0.1)), "the camera moved"
    steer_camera(db, admin, camera_id, PtzCommand(PtzMove.SET_PRESET, preset="Plaza gate"),
                 "monitoring_event")
    steer_camera(db, admin, camera_id, PtzCommand(PtzMove.HOME), "monitoring_event")
    assert responder.position() == pytest.approx((0.0, 0.0, 0.0))
    presets = camera_presets(db, admin, camera_id, "monitoring_event")
    assert [p.name for p in presets] == ["Plaza gate"]
    steer_camera(db, admin, camera_id, PtzCommand(PtzMove.PRESET, preset=presets[0].token),
                 "monitoring_event")
    assert responder.position()[:2] == pytest.approx((0.25, 0.1))

    moves = _events(db, "ptz.move")
    assert [e.details["move"] for e in reversed(moves)] == ["relative", "home", "preset"]
    assert all(e.details["purpose"] == "monitoring_event" and e.reason == "Monitoring an event"
               and e.object_id == "CAM-AG-09" for e in moves)
    assert _events(db, "ptz.preset.set")[0].details["preset"] == "Plaza gate"


def test_commands_beyond_the_range_are_clamped_or_refused(
        db: Database, admin: Context, responder: OnvifResponder) -> None:
    camera_id = _ptz_camera(db, admin, responder)
    outcome = steer_camera(db, admin, camera_id, PtzCommand(PtzMove.CONTINUOUS, pan=3.0),
                           "training")
    steer_camera(db, admin, camera_id, PtzCommand(PtzMove.STOP), "training")
    assert outcome.note == "clamped to the camera's range"
    assert _events(db, "ptz.move")[0].details["pan"] == 1.0
    assert_refused(db, lambda: steer_camera(db, admin, camera_id,
                                            PtzCommand(PtzMove.ABSOLUTE, tilt=0.9), "training"),
                   action="ptz.move", match=r"tilt 0.9 is outside this camera's range "
                                            r"\(-0.5 to 0.5\)", error=InputRejected)
    assert responder.position()[1] == pytest.approx(0.0), "a refused move never reaches it"


@pytest.mark.policy("F.2")
def test_a_move_needs_the_viewing_purpose(db: Database, admin: Context,
                                          responder: OnvifResponder) -> None:
    camera_id = _ptz_camera(db, admin, responder)
    assert_refused(db, lambda: steer_camera(db, admin, camera_id,
                                            PtzCommand(PtzMove.HOME), None),
                   action="ptz.move", clause="F.2", error=Refused)


@pytest.mark.policy("A.2")
def test_only_roles_that_view_cameras_steer_and_presets_need_camera_management(
        db: Database, admin: Context, enrol, responder: OnvifResponder) -> None:
    camera_id = _ptz_camera(db, admin, responder)
    dispatcher, supervisor = enrol("5001", "dispatcher"), enrol("7001", "supervisor")
    assert_refused(db, lambda: steer_camera(db, dispatcher, camera_id,
                                            PtzCommand(PtzMove.HOME), "training"),
                   action="ptz.move", clause="A.2", error=Refused)
    steer_camera(db, supervisor, camera_id, PtzCommand(PtzMove.RELATIVE, pan=0.1), "training")
    assert_refused(db, lambda: steer_camera(
        db, supervisor, camera_id, PtzCommand(PtzMove.SET_PRESET, preset="Mine"), "training"),
        action="ptz.preset.set", clause="A.2", error=Refused)
    assert responder.presets() == {}


@pytest.mark.policy("G.3.c")
def test_donor_cameras_are_never_moved(db: Database, admin: Context,
                                       responder: OnvifResponder) -> None:
    camera_id = _ptz_camera(db, admin, responder, "CAM-PD-09", "private_donor")
    add_agreement(db, admin, ("CAM-PD-09",))
    target = query(db, admin, ptz.ptz_target, camera_id)
    assert target is not None and target.refusal is not None and "G.3.c" in target.refusal
    for command in (PtzCommand(PtzMove.CONTINUOUS, pan=0.5), PtzCommand(PtzMove.HOME),
                    PtzCommand(PtzMove.PRESET, preset="1")):
        assert_refused(db, lambda command=command: steer_camera(
            db, admin, camera_id, command, "monitoring_location"),
            action="ptz.move", clause="G.3.c", match="never moved", error=Refused)
    assert responder.position() == pytest.approx((0.0, 0.0, 0.0))
    assert "ContinuousMove" not in responder.requests


def test_a_camera_without_ptz_is_refused_in_words(db: Database, admin: Context) -> None:
    camera = add_camera(db, admin, "CAM-AG-01")
    assert query(db, admin, ptz.ptz_target, camera.id) is None
    assert_refused(db, lambda: steer_camera(db, admin, camera.id, PtzCommand(PtzMove.HOME),
                                            "training"),
                   action="ptz.move", match="has no PTZ", error=InputRejected)
