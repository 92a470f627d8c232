"""Disk caps of the recordings store, kept beside the retention settings: the store's, the
default per camera and a camera's own; changed by an ALPR administrator, audited, and shown
with each camera's use and the level its cap stands at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rtic_console.domain.recording_caps import (
    SCOPE_TITLES,
    CapLevel,
    CapRuleError,
    CapScope,
    format_size,
    parse_size,
)
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.cameras import camera_of
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import (
    CameraSettings,
    Device,
    RecordingCap,
    RecordingCapState,
    RecordingUsage,
)

SET = "recording.cap.set"
SHOW = "recording.cap.show"
STORE_KEY = "store"
NO_CAP = ("", "none", "default")  # what removes a cap (a camera's: back to the default)


def camera_key(device_id: int) -> str:
    return f"camera:{device_id}"


@dataclass(frozen=True)
class CapsInForce:
    """The caps the enforcement applies; None is no cap."""

    store: int | None
    camera_default: int | None
    own: dict[int, int]  # device id -> the camera's own cap

    def of_camera(self, device_id: int) -> int | None:
        return self.own.get(device_id, self.camera_default)


@dataclass(frozen=True)
class CapView:
    scope: CapScope
    title: str
    cap_bytes: int | None
    updated_by: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class CameraUse:
    """One camera's recordings against its cap, and why its recording stopped if it did."""

    device_id: int
    code: str
    used: int
    segments: int
    cap_bytes: int | None
    own_cap: bool
    level: CapLevel
    reason: str | None


@dataclass(frozen=True)
class CapsOverview:
    caps: list[CapView]
    store_used: int
    store_level: CapLevel
    store_reason: str | None
    cameras: list[CameraUse]
    # Caps that cannot bind as set: above the cap of all recordings together, which is
    # reached first (a trial set 100G per camera under a 50G store without a word).
    notes: tuple[str, ...] = ()


def caps_in_force(session: Session) -> CapsInForce:
    stored = dict(session.execute(select(RecordingCap.scope, RecordingCap.cap_bytes)).all())
    own = dict(session.execute(select(CameraSettings.device_id, CameraSettings.cap_bytes)
                               .where(CameraSettings.cap_bytes.is_not(None))).all())
    return CapsInForce(stored.get(CapScope.STORE.value),
                       stored.get(CapScope.CAMERA_DEFAULT.value), own)


def _overview(session: Session) -> CapsOverview:
    rows = {r.scope: r for r in session.scalars(select(RecordingCap))}
    caps = [CapView(scope, SCOPE_TITLES[scope], row.cap_bytes if row else None,
                    row.updated_by if row else None, row.updated_at if row else None)
            for scope in CapScope for row in [rows.get(scope.value)]]
    states = {s.key: s for s in session.scalars(select(RecordingCapState))}
    in_force = caps_in_force(session)
    used = dict(session.execute(select(RecordingUsage.device_id, RecordingUsage.bytes)).all())
    counts = dict(session.execute(select(RecordingUsage.device_id,
                                         RecordingUsage.segments)).all())
    cameras = []
    recorded = select(Device.id, Device.code).outerjoin(
        CameraSettings, CameraSettings.device_id == Device.id).where(
        Device.id.in_(select(RecordingUsage.device_id)) | CameraSettings.recording_enabled
        | CameraSettings.cap_bytes.is_not(None)).order_by(Device.code)
    for device_id, code in session.execute(recorded):
        state = states.get(camera_key(device_id))
        cameras.append(CameraUse(device_id, code, int(used.get(device_id, 0)),
                                 int(counts.get(device_id, 0)), in_force.of_camera(device_id),
                                 device_id in in_force.own,
                                 CapLevel(state.level) if state else CapLevel.OK,
                                 state.reason if state else None))
    store = states.get(STORE_KEY)
    total = session.scalar(select(func.coalesce(func.sum(RecordingUsage.bytes), 0))) or 0
    return CapsOverview(caps, int(total), CapLevel(store.level) if store else CapLevel.OK,
                        store.reason if store else None, cameras,
                        _above_store(in_force, {c.device_id: c.code for c in cameras}))


def _above_store(caps: CapsInForce, codes: dict[int, str]) -> tuple[str, ...]:
    store = caps.store
    if store is None:
        return ()
    over = [(SCOPE_TITLES[CapScope.CAMERA_DEFAULT], caps.camera_default)] + \
        [(f"{codes.get(d, f'camera #{d}')}'s own cap", cap) for d, cap in caps.own.items()]
    return tuple(f"{what} ({format_size(cap)}) is above the cap of all recordings together "
                 f"({format_size(store)}), which is reached first."
                 for what, cap in over if cap is not None and cap > store)


@service_action(SHOW)
def show_caps(session: Session, ctx: Context) -> CapsOverview:
    """The caps, the store's use and each recorded camera's, with their levels."""
    authorize(session, ctx, Permission.VIEW_RETENTION, action=SHOW)
    return _overview(session)


@service_action(SET)
def set_cap(session: Session, ctx: Context, scope: str, size: str | None,
            camera: str | None = None) -> CapsOverview:
    """Sets the store's cap, the default per camera, or one camera's own (scope `camera`);
    `none` removes it (a camera's own: back to the default). The recording service applies
    it at once; lowering a cap never removes video younger than 90 days or held (F.5)."""
    subject = camera if scope == "camera" else scope
    authorize(session, ctx, Permission.MANAGE_RETENTION, action=SET, object_type="recording_cap",
              object_id=str(subject)[:40])
    try:
        cap = None if (size or "").strip().lower() in NO_CAP else parse_size(str(size))
    except CapRuleError as exc:
        raise InputRejected(str(exc)) from None
    if scope == "camera":
        if not camera:
            raise InputRejected("name the camera whose cap to set")
        device = camera_of(session, camera)
        row = session.get(CameraSettings, device.id, with_for_update=True)
        previous = row.cap_bytes if row else None
        if row is None:
            row = CameraSettings(device_id=device.id, recording_enabled=False)
            session.add(row)
        row.cap_bytes = cap
        object_type, object_id = "camera", device.code
        title = f"Camera {device.code}"
    else:
        try:
            chosen = CapScope(scope)
        except ValueError:
            raise InputRejected(f"unknown cap {scope!r}; caps are: store, camera_default, "
                                "camera") from None
        row = session.get(RecordingCap, chosen.value, with_for_update=True)
        previous = row.cap_bytes if row else None
        if cap is None and row is not None:
            session.delete(row)
        elif cap is not None:
            if row is None:
                row = RecordingCap(scope=chosen.value)
                session.add(row)
            row.cap_bytes, row.updated_by, row.updated_at = cap, ctx.actor.badge, ctx.now()
        object_type, object_id, title = "recording_cap", chosen.value, SCOPE_TITLES[chosen]
    session.flush()
    shown = "no cap" if cap is None else format_size(cap)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=SET, object_type=object_type, object_id=object_id,
                 reason=f"{title}: {shown}",
                 details={"scope": scope, "cap_bytes": cap, "previous": previous})
    publish(session, Change.RETENTION)
    return _overview(session)
