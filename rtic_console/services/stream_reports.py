"""What a console's capture workers or a recorder saw of a camera's stream, kept as the
camera's one stream state (live or offline, last seen, frame rate) beside heartbeats and
stream checks."""

from __future__ import annotations

from sqlalchemy.orm import Session

from rtic_console.domain.roles import Permission
from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Device

REPORT = "camera.stream_state"


@service_action(REPORT)
def report_stream_state(session: Session, who: Context | SystemIdentity, device_id: int,
                        live: bool, fps: float | None = None) -> None:
    """An observation, like a heartbeat: not audited (the opening of the wall that made it
    is; a recorder is the service's own), and sent only when the state changes or to keep a
    live stream fresh. A person reports only the cameras they may view, so a stranger
    cannot mark a camera live; the headless service's recorders report as its
    SystemIdentity, as they index their segments, with no one to authorize."""
    if isinstance(who, Context):
        authorize(session, who, Permission.VIEW_CAMERAS, action=REPORT, object_type="camera",
                  object_id=device_id)
    device = session.get(Device, device_id) if isinstance(device_id, int) else None
    if device is None:
        raise InputRejected(f"camera: there is no camera #{device_id}")
    device.is_streaming = bool(live)
    if live:
        device.last_seen_at = who.now()
        if fps is not None and fps > 0:
            device.fps = round(float(fps), 1)
    publish(session, Change.DEVICE_HEALTH, (device.id,))
