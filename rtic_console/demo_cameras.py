"""The demo's camera network: simulated streams (MJPEG over HTTP, and H.264/H.265 over RTSP
from a real RTSP server), one PTZ camera behind a loopback ONVIF responder, an enrolled
workstation, donor agreements and a saved 3×3 wall."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from rtic_console.config import Settings
from rtic_console.domain.donor_terms import END_OF_DAY
from rtic_console.domain.roles import Permission, allows
from rtic_console.feeds.child_server import ChildServer, ChildServerError
from rtic_console.feeds.onvif_responder import OnvifResponder, ResponderProfile
from rtic_console.feeds.rtsp_server_process import RtspServerProcess, encoders
from rtic_console.feeds.simulated_ptz import PtzPictureWorker
from rtic_console.services import donors, wall_layouts, workstations
from rtic_console.services.auth import actor_of
from rtic_console.services.camera_credentials import seal_url, store_stream_urls, stream_urls
from rtic_console.services.context import Context
from rtic_console.services.demo_seed import DEMO_ROSTER
from rtic_console.services.donors import AgreementInput
from rtic_console.services.runner import perform
from rtic_console.services.station_proof import find_workstation, prove_station
from rtic_console.store.audit_log import append_event
from rtic_console.store.database import Database
from rtic_console.store.memory_keyring import use_memory_keyring
from rtic_console.store.models import CameraOnvif, CameraSettings, Device, Person

logger = logging.getLogger(__name__)

WALL_ORDER = ("CAM-AG-01", "CAM-AG-02", "CAM-CY-01", "CAM-CY-02", "CAM-TR-01", "CAM-TR-02",
              "CAM-PD-01", "CAM-PD-02", None)
RECORDED = ("CAM-AG-01",)  # agency cameras only; donor cameras are never recorded (G.1)
# Cameras served over RTSP by GStreamer, as city cameras are: a main and a sub-stream each.
RTSP_CAMERAS = {"CAM-CY-01": "h264", "CAM-CY-02": "h264", "CAM-TR-01": "h265"}
RTSP_MAIN, RTSP_SUB = "1280x720@15", "640x360@15"
RTSP_USER = "demo:rtsp-demo"  # real basic authentication; sealed like any camera credential
# A neighbour's window and yard at the left of the donor's view: masked (G.3.c).
DEMO_MASK = (((0.0, 0.0), (0.32, 0.0), (0.32, 0.55), (0.0, 0.72)),)
DEMO_PTZ_CAMERA = "CAM-CY-01"
DEMO_PTZ_HOME_MINUTES = 5
_DEMO_ONVIF_USER = ("rtic", "demo-onvif")  # the responder's own; sealed like any camera's


def start_camera_simulator(streams: int) -> tuple[ChildServer, int]:
    """Its own process, so encoding the demo streams does not compete with the console's GIL.

    It ends when this process ends, however that happens (its stdin closes). Raises
    ChildServerError, with the end of its stderr, if it does not start in time."""
    simulator = ChildServer("camera-simulator", [
        sys.executable, "-m", "rtic_console.feeds.camera_simulator", "--port", "0",
        "--streams", str(streams), "--dropout-every", "45", "--dropout-for", "8",
        "--exit-with-parent"])
    return simulator, int(simulator.address.rsplit(":", 1)[1])


def start_rtsp_cameras() -> RtspServerProcess | None:
    """The RTSP cameras' server, or None where GStreamer's RTSP server is not installed or
    will not start (those cameras then stream MJPEG like the others; the log says why).
    DEMO_PTZ_CAMERA, if it is one of them, shows a scene that `follow_demo_ptz` steers."""
    available = encoders()
    served = [code for code, codec in RTSP_CAMERAS.items() if codec in available]
    streams = [f"{code.lower()}/{which}={RTSP_CAMERAS[code]}:{size}" for code in served
               for which, size in (("main", RTSP_MAIN), ("sub", RTSP_SUB))]
    if not streams:
        logger.warning("no RTSP cameras in the demo: GStreamer's RTSP server or its encoders "
                       "are missing (installer/install_system_libs.sh installs them)")
        return None
    ptz = [DEMO_PTZ_CAMERA.lower()] if DEMO_PTZ_CAMERA in served else []
    try:
        return RtspServerProcess.start(streams, user=RTSP_USER, ptz=ptz)
    except (OSError, ChildServerError) as exc:
        logger.warning("no RTSP cameras in the demo: %s", exc)
        return None


def demo_context(db: Database, settings: Settings, badge: str) -> Context:
    """The demo set-up acts as the demo person it seeds for, without a sign-in event."""
    with db.read() as session:
        person = session.scalar(select(Person).where(Person.badge == badge))
        if person is None:
            raise LookupError(f"no demo person {badge}")
        return Context(actor_of(person), settings, prove_station(session, settings))


def enrol_demo_workstation(db: Database, settings: Settings) -> None:
    """Demo mode: this process's keyring becomes a memory keyring, and the demo sergeant
    enrols this workstation into it (audited like any enrolment), so donor cameras show as
    the agreements allow. The secret dies with the demo; a demo database opened again is
    enrolled again, the old enrolment revoked with the reason."""
    use_memory_keyring()
    sergeant = demo_context(db, settings, "4101")
    with db.read() as session:
        old = find_workstation(session, settings.workstation)
    if old is not None and old.revoked_at is None:
        perform(db, sergeant, workstations.revoke_workstation, old.name,
                "demo restarted: its keyring lived in the last demo's memory")
    perform(db, sergeant, workstations.enrol_workstation, settings.workstation)


def configure_demo_cameras(db: Database, settings: Settings, port: int,
                           rtsp: RtspServerProcess | None = None) -> None:
    """Point the demo cameras at the simulators, sign the donor terms, save each viewer's
    wall. With `rtsp`, the cameras it serves use its main and sub-streams."""
    served = {code for code, codec in RTSP_CAMERAS.items() if codec in encoders()} \
        if rtsp is not None else set()
    with db.write() as session:
        cameras = list(session.scalars(select(Device).where(Device.kind == "camera")
                                       .order_by(Device.id)))
        for i, device in enumerate(cameras, start=1):
            if rtsp is not None and device.code in served:
                mount = device.code.lower()
                store_stream_urls(session, device, rtsp.url(f"{mount}/main"),
                                  rtsp.url(f"{mount}/sub"))
                continue
            device.stream_url = f"http://127.0.0.1:{port}/stream/cam{i:02d}.mjpg"
            device.substream_url = device.stream_url
        recorded = [d for d in cameras if d.code in RECORDED]
        for device in recorded:
            session.add(CameraSettings(device_id=device.id, recording_enabled=True))
        append_event(session, actor_badge=None, workstation=settings.workstation,
                     action="demo.seed", reason="demo cameras point at the camera simulator",
                     details={"cameras": len(cameras), "port": port,
                              "rtsp": sorted(served), "recorded": [d.code for d in recorded]})
    sergeant = demo_context(db, settings, "4101")
    now = datetime.now(UTC)
    every_day = {day: ((time(0, 0), END_OF_DAY),) for day in range(7)}
    local_now = datetime.now().astimezone()
    closed_start = (local_now + timedelta(hours=10)).time().replace(minute=0, second=0,
                                                                    microsecond=0)
    closed_end = (local_now + timedelta(hours=11)).time().replace(minute=0, second=0,
                                                                  microsecond=0)
    later_only = {day: ((closed_start, closed_end),) for day in range(7)}
    for code, reference, donor, hours, masks in (
            ("CAM-PD-01", "DA-2026-014", "Golden 1 Center security", every_day, DEMO_MASK),
            ("CAM-PD-02", "DA-2026-022", "20th & K Merchants Association", later_only, ())):
        perform(db, sergeant, donors.create_agreement, AgreementInput(
            reference=reference, donor_name=donor, camera_codes=(code,),
            purpose_and_manner="Real-time viewing of the public plaza for incidents in "
                               "progress; no recording by SPD",
            allowed_hours=hours, effective_at=now - timedelta(days=300),
            expires_at=now + timedelta(days=21),
            retrieval_process="Request footage from the donor's security office with the "
                              "SPD report number; the donor exports it",
            donor_contact="security office, (916) 555-0142", mask_polygons=masks,
            allowed_workstations=(settings.workstation,)))
    for person in DEMO_ROSTER:
        if not person.active or person.alpr_days_ago is None:
            continue
        if not allows(frozenset(person.roles), Permission.VIEW_CAMERAS):
            continue
        ctx = demo_context(db, settings, person.badge)
        perform(db, ctx, wall_layouts.save_layout, "Demo wall", 3, list(WALL_ORDER))


def start_demo_onvif(db: Database) -> OnvifResponder:
    """The demo's PTZ camera: an ONVIF responder on loopback whose profiles give the whole
    main and sub-stream addresses DEMO_PTZ_CAMERA is configured with (credentials opened
    from their seal, as a real camera reports them). It lives in the demo's process and is
    stopped with it."""
    main = sub = "http://127.0.0.1:9/none.mjpg"
    with db.read() as session:
        device = session.scalar(select(Device).where(Device.code == DEMO_PTZ_CAMERA))
        if device is not None:
            urls = stream_urls(session, device)
            main = urls.main.reveal() if urls.main else main
            sub = urls.sub.reveal() if urls.sub else main
    return OnvifResponder([ResponderProfile("main", "Main stream", 1280, 720, main),
                           ResponderProfile("sub", "Sub-stream", 640, 360, sub)],
                          user=_DEMO_ONVIF_USER[0], password=_DEMO_ONVIF_USER[1],
                          manufacturer="RTIC demo", model="PTZ dome").start()


def configure_demo_ptz(db: Database, settings: Settings, responder: OnvifResponder) -> None:
    """Makes DEMO_PTZ_CAMERA that responder's camera, with two presets stored on it."""
    user, password = _DEMO_ONVIF_USER
    address = f"http://{user}:{password}@127.0.0.1:{responder.port}/onvif/device_service"
    with db.write() as session:
        device = session.scalar(select(Device).where(Device.code == DEMO_PTZ_CAMERA))
        if device is None:
            return
        redacted, sealed, key_id = seal_url(session, address)
        session.add(CameraOnvif(device_id=device.id, address=redacted, address_sealed=sealed,
                                key_id=key_id, profile_token="main", ptz=True,
                                ptz_range=json.dumps(responder.limits.as_list()),
                                home_after_minutes=DEMO_PTZ_HOME_MINUTES,
                                updated_at=datetime.now(UTC)))
        append_event(session, actor_badge=None, workstation=settings.workstation,
                     action="demo.seed", reason="a demo PTZ camera behind an ONVIF responder",
                     details={"camera": DEMO_PTZ_CAMERA, "onvif": redacted})
    for name, position in (("City Hall steps", (-0.4, -0.1, 0.3)),
                           ("Plaza fountain", (0.35, -0.2, 0.5))):
        responder.set_position(position)
        responder.store_preset(name)
    responder.set_position((0.0, 0.0, 0.0))


def follow_demo_ptz(responder: OnvifResponder,
                    rtsp: RtspServerProcess | None) -> PtzPictureWorker | None:
    """DEMO_PTZ_CAMERA's picture follows where the responder says it points, when the RTSP
    server serves it (as an MJPEG stand-in it cannot move)."""
    if rtsp is None or DEMO_PTZ_CAMERA.lower() not in rtsp.ptz:
        return None
    return PtzPictureWorker(responder, rtsp, DEMO_PTZ_CAMERA.lower()).start()
