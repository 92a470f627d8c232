"""PSCN cameras: the list the wall and admin tab show, adding or editing a camera (F.1),
and planning and recording a stream check (D.2.b(1)).

A camera once covered by a donor agreement is never recorded (G.1), and its category cannot
change while an agreement covers it: these are refused here, whatever screen asks.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.devices import (
    CATEGORY_TITLES,
    DeviceCategory,
    DeviceKind,
    ServiceState,
)
from rtic_console.domain.donor_terms import recording_allowed
from rtic_console.domain.roles import Permission, Role, allows, roles_for
from rtic_console.domain.stream_state import stream_health
from rtic_console.domain.stream_urls import STREAM_TRANSPORTS, SecretUrl, redact_url
from rtic_console.domain.text import TextRuleError
from rtic_console.services.auth import authorize, roles_of
from rtic_console.services.camera_credentials import store_stream_urls, stream_urls
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.devices import move_state, rule_error
from rtic_console.services.donors import agreement_in_force, last_agreement_of
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import CameraSettings, Device

URL_SCHEMES = ("rtsp", "rtsps", "http", "https")  # cameras on the network, never a local file
_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,39}")
DONOR = DeviceCategory.PRIVATE_DONOR.value


@dataclass(frozen=True)
class CameraInput:
    """Stream URLs as typed, credentials included: the service keeps those apart. A URL
    given back exactly as a CameraView shows it keeps the stored one."""

    code: str
    name: str
    category: str
    stream_url: str
    substream_url: str | None = None
    area: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    in_service: bool = True
    recording_enabled: bool = False
    retention_days: int | None = None
    stream_transport: str = "tcp"  # RTSP: "tcp" or "udp"


@dataclass(frozen=True)
class CameraView:
    """What people may see of a camera: its URLs redacted (`rtsp://***@host/cam`), never a
    credential. Connecting takes the whole URL from the service that allows it."""

    id: int
    code: str
    name: str
    category: DeviceCategory
    category_title: str
    area: str
    address: str
    latitude: float | None
    longitude: float | None
    display_url: str
    substream_display_url: str
    in_service: bool
    status: str
    last_seen_at: datetime | None
    fps: float | None
    recording_enabled: bool
    retention_days: int | None
    stream_transport: str = "tcp"

    @property
    def is_donor(self) -> bool:
        return self.category is DeviceCategory.PRIVATE_DONOR

    @property
    def has_stream(self) -> bool:
        return bool(self.display_url)


def device_status(device: Device, now: datetime | None = None) -> str:
    """Service state first (B.2), then the one stream state every screen shows."""
    if device.service_state == ServiceState.DAMAGED.value:
        return "damaged"
    if not device.in_service:
        return "out of service"
    return stream_health(device.is_streaming, device.last_seen_at,
                         now or datetime.now(UTC)).value


def camera_view(device: Device, settings: CameraSettings | None) -> CameraView:
    category = DeviceCategory(device.category)
    return CameraView(
        device.id, device.code, device.name, category, CATEGORY_TITLES[category], device.area,
        device.address, device.latitude, device.longitude, redact_url(device.stream_url),
        redact_url(device.substream_url), device.in_service,
        device_status(device), device.last_seen_at, device.fps,
        bool(settings and settings.recording_enabled), settings.retention_days if settings
        else None, device.stream_transport)


def camera_rows(session: Session, ids: Collection[int] | None = None,
             ) -> list[tuple[Device, CameraSettings | None]]:
    """Every camera, or those of `ids` that are cameras."""
    query = (select(Device, CameraSettings)
             .outerjoin(CameraSettings, CameraSettings.device_id == Device.id)
             .where(Device.kind == DeviceKind.CAMERA.value)
             .order_by(Device.category, Device.area, Device.code))
    if ids is not None:
        query = query.where(Device.id.in_(set(ids)))
    return [(d, s) for d, s in session.execute(query)]


@service_action("camera.list")
def list_cameras(session: Session, ctx: Context) -> list[CameraView]:
    """Ordered by category, then area, then code: the wall's grouped camera list."""
    authorize(session, ctx, Permission.VIEW_CAMERAS, action="camera.list")
    return [camera_view(d, s) for d, s in camera_rows(session)]


@service_action("camera.list")
def cameras_by_id(session: Session, ctx: Context, camera_ids: Collection[int],
                  ) -> list[CameraView]:
    """These cameras as the list shows them: what a live camera list upserts."""
    authorize(session, ctx, Permission.VIEW_CAMERAS, action="camera.list")
    return [camera_view(d, s) for d, s in camera_rows(session, camera_ids)]


def camera_by_code(session: Session, code: str) -> Device:
    device = session.scalar(select(Device).where(Device.code == code.strip().upper(),
                                                 Device.kind == DeviceKind.CAMERA.value))
    if device is None:
        raise InputRejected(f"there is no camera {code.strip()!r}")
    return device


def camera_of(session: Session, camera: int | str) -> Device:
    """By database id, or by camera code as people type it (CAM-AG-01)."""
    if isinstance(camera, str):
        return camera_by_code(session, camera)
    device = session.get(Device, camera)
    if device is None or device.kind != DeviceKind.CAMERA.value:
        raise InputRejected(f"there is no camera #{camera}")
    return device


def check_url(url: str | None, label: str, required: bool = True) -> str | None:
    """Accepts a camera's stream on the network only: rtsp(s) and http(s)."""
    url = (url or "").strip()
    if not url:
        if required:
            raise InputRejected(f"{label} is required")
        return None
    if len(url) > 500 or any(c.isspace() for c in url):
        raise InputRejected(f"{label} must be one URL of at most 500 characters, no spaces")
    parts = urlsplit(url)
    if parts.scheme.lower() not in URL_SCHEMES:
        raise InputRejected(f"{label} must start with {', '.join(s + '://' for s in URL_SCHEMES)}")
    if not parts.hostname:
        raise InputRejected(f"{label} names no host")
    return url


def _clean(data: CameraInput) -> dict[str, object]:
    code = data.code.strip().upper()
    if not _CODE.fullmatch(code):
        raise InputRejected("camera id must be 1 to 40 letters, digits, '-' or '_'")
    name = " ".join(data.name.split())
    if not 0 < len(name) <= 120:
        raise InputRejected("camera name must be 1 to 120 characters")
    try:
        category = DeviceCategory(data.category)
    except ValueError:
        raise InputRejected("category must be one of: " + ", ".join(
            c.value for c in DeviceCategory) + " (F.1)", clause="F.1") from None
    if len(data.area) > 80 or len(data.address) > 200:
        raise InputRejected("area is at most 80 and address at most 200 characters")
    if (data.latitude is None) != (data.longitude is None):
        raise InputRejected("give both latitude and longitude, or neither")
    if data.latitude is not None and data.longitude is not None and not (
            -90 <= data.latitude <= 90 and -180 <= data.longitude <= 180):
        raise InputRejected("latitude must be -90 to 90 and longitude -180 to 180")
    if data.retention_days is not None and not 90 <= data.retention_days <= 730:
        raise InputRejected("retention must be 90 to 730 days (F.5, C.1)", clause="F.5")
    if data.stream_transport not in STREAM_TRANSPORTS:
        raise InputRejected("the RTSP transport must be " + " or ".join(STREAM_TRANSPORTS))
    return {"code": code, "name": name, "category": category.value,
            "area": data.area.strip(), "address": data.address.strip(),
            "latitude": data.latitude, "longitude": data.longitude,
            "stream_transport": data.stream_transport}


def _urls(data: CameraInput) -> tuple[str, str | None]:
    return (check_url(data.stream_url, "stream URL") or "",
            check_url(data.substream_url, "sub-stream URL", required=False))


def _refuse_recording(session: Session, data: CameraInput, action: str, code: str,
                      device_id: int | None) -> None:
    """G.1: never a donor camera, nor one any donor agreement ever covered."""
    if not data.recording_enabled:
        return
    covering = last_agreement_of(session, device_id) if device_id is not None else None
    decision = recording_allowed(data.category, covering.reference if covering else None)
    if not decision.allowed:
        raise Refused(f"Recording cannot be enabled for camera {code}: {decision.reason}.",
                      action=action, clause=decision.clause, object_type="camera",
                      object_id=code)


def _refuse_recategorising(session: Session, ctx: Context, device: Device, category: str,
                           data: CameraInput, roles: frozenset[Role]) -> None:
    """A donor camera cannot become an agency camera to be recorded (G.1)."""
    if category == device.category:
        return

    def refuse(message: str, clause: str) -> Refused:
        return Refused(message, action="camera.edit", clause=clause, object_type="camera",
                       object_id=device.code)

    holder = agreement_in_force(session, device.id, ctx.now())
    if holder is not None:
        raise refuse(f"The category of camera {device.code} cannot change while donor "
                     f"agreement {holder.reference} covers it (G.1).", "G.1")
    if device.category == DONOR and not allows(roles, Permission.MANAGE_DONORS):
        raise refuse(f"Only {roles_for(Permission.MANAGE_DONORS)} may take a camera out of "
                     "the private donor category.", "A.2")
    if device.category == DONOR and data.recording_enabled:
        raise refuse(f"Camera {device.code} is a private donor camera: change its category "
                     "first, on its own, then decide on recording (G.1).", "G.1")


def _snapshot(device: Device, settings: CameraSettings | None) -> dict[str, object]:
    """The record as audit events carry it: URLs redacted, never a credential."""
    return {"code": device.code, "name": device.name, "category": device.category,
            "area": device.area, "address": device.address, "latitude": device.latitude,
            "longitude": device.longitude, "stream_url": redact_url(device.stream_url),
            "substream_url": redact_url(device.substream_url),
            "stream_transport": device.stream_transport, "in_service": device.in_service,
            "recording_enabled": bool(settings and settings.recording_enabled),
            "retention_days": settings.retention_days if settings else None}


@service_action("camera.add")
def add_camera(session: Session, ctx: Context, data: CameraInput) -> CameraView:
    authorize(session, ctx, Permission.MANAGE_CAMERAS, action="camera.add",
              object_type="camera", object_id=data.code[:40])
    fields = _clean(data)
    urls = _urls(data)
    _refuse_recording(session, data, "camera.add", str(fields["code"]), None)
    if session.scalar(select(Device.id).where(Device.code == fields["code"])) is not None:
        raise InputRejected(f"a device {fields['code']} already exists")
    device = Device(kind=DeviceKind.CAMERA.value, **fields, service_state=(
        ServiceState.IN_SERVICE if data.in_service else ServiceState.OUT_OF_SERVICE).value)
    session.add(device)
    session.flush()
    store_stream_urls(session, device, *urls)
    settings = CameraSettings(device_id=device.id, recording_enabled=data.recording_enabled,
                              retention_days=data.retention_days)
    session.add(settings)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="camera.add", object_type="camera", object_id=device.code,
                 details={"after": _snapshot(device, settings)})
    publish(session, Change.CAMERA, (device.id,))
    return camera_view(device, settings)


@service_action("camera.edit")
def edit_camera(session: Session, ctx: Context, camera_id: int, data: CameraInput) -> CameraView:
    """Every field is replaced; the audit event carries the record before and after."""
    person = authorize(session, ctx, Permission.MANAGE_CAMERAS, action="camera.edit",
                       object_type="camera", object_id=camera_id)
    device = session.get(Device, camera_id, with_for_update=True)
    if device is None or device.kind != DeviceKind.CAMERA.value:
        raise InputRejected(f"there is no camera #{camera_id}")
    fields = _clean(data)
    urls = _urls(data)
    _refuse_recategorising(session, ctx, device, str(fields["category"]), data,
                           roles_of(person))
    _refuse_recording(session, data, "camera.edit", device.code, device.id)
    clash = session.scalar(select(Device.id).where(Device.code == fields["code"],
                                                   Device.id != camera_id))
    if clash is not None:
        raise InputRejected(f"another device already has the id {fields['code']}")
    settings = session.get(CameraSettings, camera_id)
    before = _snapshot(device, settings)
    for name, value in fields.items():
        setattr(device, name, value)
    try:
        move_state(session, device, ServiceState.IN_SERVICE if data.in_service
                   else ServiceState.OUT_OF_SERVICE)
    except TextRuleError as exc:
        raise rule_error(exc) from None
    store_stream_urls(session, device, *urls)
    if settings is None:
        settings = CameraSettings(device_id=camera_id)
        session.add(settings)
    settings.recording_enabled = data.recording_enabled
    settings.retention_days = data.retention_days
    session.flush()
    after = _snapshot(device, settings)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="camera.edit", object_type="camera", object_id=device.code,
                 details={"before": before, "after": after,
                          "changed": sorted(k for k in after if after[k] != before[k])})
    publish(session, Change.CAMERA, (device.id,))
    return camera_view(device, settings)


@dataclass(frozen=True)
class StreamCheckPlan:
    """What a stream check opens and what takes its result. `decode` is False for a donor
    camera: the check counts its packets and reads the frame size from their headers, but
    no picture is decoded, shown or kept (G.1, G.2)."""

    label: str
    url: SecretUrl
    camera_ids: tuple[int, ...]
    decode: bool
    note: str = ""
    transport: str = "tcp"  # the camera's RTSP transport; TCP for a typed URL


def is_donor_camera(session: Session, device: Device) -> bool:
    """A donor camera, or one any donor agreement ever covered (G.1, G.3)."""
    return device.category == DONOR or last_agreement_of(session, device.id) is not None


def _host(url: str | None) -> tuple[str, int | None] | None:
    try:
        parts = urlsplit(url or "")
        return (parts.hostname or "", parts.port) if parts.hostname else None
    except ValueError:
        return None


@service_action("camera.check")
def plan_stream_check(session: Session, ctx: Context, camera: int | str | None = None,
                      url: str | None = None) -> StreamCheckPlan:
    """Refuses before the stream is opened, so an unauthorised check never touches it. A
    camera (by id or code) is opened with its stored URL; a typed URL that points at a
    donor camera's host is checked like that donor camera."""
    target = str(camera) if camera is not None else redact_url(url)[:200]
    authorize(session, ctx, Permission.MANAGE_CAMERAS, action="camera.check",
              object_type="camera" if camera is not None else "stream", object_id=target)
    if camera is not None:
        device = camera_of(session, camera)
        whole = stream_urls(session, device).main
        if whole is None:
            raise InputRejected(f"camera {device.code} has no stream URL")
        donor = is_donor_camera(session, device)
        ids, label = (device.id,), f"{device.code} ({whole.redacted})"
        transport = device.stream_transport
    else:
        typed = check_url(url, "URL") or ""
        whole, label, transport = SecretUrl(typed), redact_url(typed), "tcp"
        host = _host(typed)
        cameras = [d for d, _ in camera_rows(session)
                   if host is not None and host in (_host(d.stream_url), _host(d.substream_url))]
        donor = any(is_donor_camera(session, d) for d in cameras)
        ids = tuple(d.id for d in cameras if redact_url(d.stream_url) == label
                    or redact_url(d.substream_url) == label)
    note = ("private donor camera: connectivity only, no picture decoded, shown or kept "
            "(G.1)") if donor else ""
    return StreamCheckPlan(label, whole, ids, not donor, note, transport)


@service_action("camera.check")
def record_stream_check(session: Session, ctx: Context, plan: StreamCheckPlan, ok: bool,
                        outcome: dict[str, object]) -> None:
    """Audits an inspection check (D.2.b(1)): a decoded feed is a view of the network.

    The cameras behind that address take the check's result as their status, so the
    Cameras tab shows live or offline instead of "unknown" until a wall opens them.
    """
    authorize(session, ctx, Permission.MANAGE_CAMERAS, action="camera.check",
              object_type="stream", object_id=plan.label[:200])
    devices = [session.get(Device, i) for i in plan.camera_ids]
    for device in (d for d in devices if d is not None):
        device.is_streaming = ok
        if ok:
            device.last_seen_at = ctx.now()
            fps = outcome.get("measured_fps")
            device.fps = float(fps) if isinstance(fps, int | float) else device.fps
    if plan.camera_ids:
        publish(session, Change.CAMERA, plan.camera_ids)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="camera.check", object_type="stream", object_id=plan.label[:200],
                 reason=None if ok else str(outcome.get("reason", "")),
                 details={"ok": ok, "decoded": plan.decode, **outcome}
                 | ({"note": plan.note} if plan.note else {}))
