"""Cameras added by their ONVIF address: the reading of the camera is audited, and the
address (credentials sealed like the stream URLs), the steered profile and the PTZ range are
saved in the same transaction as the camera itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from rtic_console.domain.ptz import PtzRange, PtzRangeError, check_home_after
from rtic_console.domain.roles import Permission
from rtic_console.domain.stream_urls import SecretUrl, redact_url
from rtic_console.services.auth import authorize
from rtic_console.services.camera_credentials import open_sealed, seal_url
from rtic_console.services.cameras import CameraInput, CameraView, add_camera, edit_camera
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import CameraOnvif, Device

READ = "camera.onvif.read"


@dataclass(frozen=True)
class OnvifSettings:
    """`address` as typed, credentials included (`http://user:pass@host:port/onvif/...`);
    one given back exactly as an OnvifView shows it keeps the stored credentials."""

    address: str
    profile_token: str
    ptz: bool = False
    ptz_range: PtzRange | None = None
    home_after_minutes: int | None = None


@dataclass(frozen=True)
class OnvifView:
    camera_id: int
    address: str  # redacted
    profile_token: str
    ptz: bool
    ptz_range: PtzRange | None
    home_after_minutes: int | None


def onvif_view(row: CameraOnvif) -> OnvifView:
    limits = PtzRange.from_list(json.loads(row.ptz_range)) if row.ptz_range else None
    return OnvifView(row.device_id, row.address, row.profile_token, row.ptz, limits,
                     row.home_after_minutes)


def onvif_address(row: CameraOnvif, code: str) -> SecretUrl:
    """The whole address to connect with, opened only by a service that allows it."""
    if row.address_sealed:
        return open_sealed(code, row.address_sealed, row.key_id)
    return SecretUrl(row.address)


@service_action(READ)
def record_onvif_read(session: Session, ctx: Context, address: str) -> None:
    """Reading a camera's device service connects with its credentials: audited first, with
    the address redacted."""
    authorize(session, ctx, Permission.MANAGE_CAMERAS, action=READ, object_type="onvif")
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=READ, object_type="onvif", object_id=redact_url(address)[:120])


@service_action("camera.onvif")
def camera_onvif(session: Session, ctx: Context, camera_id: int) -> OnvifView | None:
    authorize(session, ctx, Permission.VIEW_CAMERAS, action="camera.onvif")
    row = session.get(CameraOnvif, camera_id)
    return None if row is None else onvif_view(row)


def _store(session: Session, device: Device, onvif: OnvifSettings) -> dict[str, object]:
    row = session.get(CameraOnvif, device.id)
    typed = onvif.address.strip()
    if not typed.startswith("http://"):
        raise InputRejected("an ONVIF address is http://host:port/onvif/device_service")
    if not onvif.profile_token.strip() or len(onvif.profile_token) > 64:
        raise InputRejected("choose the ONVIF profile to use")
    try:
        home_after = check_home_after(onvif.home_after_minutes)
    except PtzRangeError as exc:
        raise InputRejected(str(exc)) from None
    if row is None or row.address != typed:  # left as shown, the sealed credentials stay
        sealed = seal_url(session, typed)
        if row is None:
            row = CameraOnvif(device_id=device.id)
            session.add(row)
        row.address, row.address_sealed, row.key_id = sealed
    row.profile_token = onvif.profile_token.strip()
    row.ptz = onvif.ptz
    row.ptz_range = json.dumps(onvif.ptz_range.as_list()) if onvif.ptz_range else None
    row.home_after_minutes = home_after if onvif.ptz else None
    row.updated_at = datetime.now(UTC)
    return {"address": row.address, "profile": row.profile_token, "ptz": row.ptz,
            "home_after_minutes": row.home_after_minutes}


@service_action(lambda camera_id, *a, **k: "camera.add" if camera_id is None else "camera.edit")
def save_onvif_camera(session: Session, ctx: Context, camera_id: int | None, data: CameraInput,
                      onvif: OnvifSettings | None) -> CameraView:
    """Adds or edits the camera as `cameras` does, then keeps (or drops) its ONVIF side in
    the same transaction, audited as `camera.onvif.set`."""
    view = (add_camera(session, ctx, data) if camera_id is None
            else edit_camera(session, ctx, camera_id, data))
    device = session.get(Device, view.id)
    assert device is not None
    if onvif is None:
        row = session.get(CameraOnvif, view.id)
        if row is None:
            return view
        session.delete(row)
        details: dict[str, object] = {"removed": True}
    else:
        details = _store(session, device, onvif)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="camera.onvif.set", object_type="camera", object_id=device.code,
                 details=details)
    return view
