"""The device fleet (A.2, D.2.b(1)): every ALPR reader, trailer and PSCN camera with its
vendor, versions, place or vehicle unit and service state, registered and kept by ALPR
administrators and public-safety IT; listed for anyone who may need to report one (B.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rtic_console.domain.devices import (
    CATEGORY_TITLES,
    KIND_TITLES,
    KIND_WORDS,
    STATE_TITLES,
    DeviceCategory,
    DeviceKind,
    DeviceRuleError,
    ServiceState,
    check_installed_on,
    clean_code,
    clean_position,
    clean_version,
    kind_of,
    out_of_date,
    state_of,
)
from rtic_console.domain.roles import Permission
from rtic_console.domain.stream_state import StreamHealth, stream_health
from rtic_console.domain.text import TextRuleError, clean_line
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Device, DeviceReport


@dataclass(frozen=True)
class DeviceInput:
    """A device as registered; `kind` as typed (fixed_reader, mobile_reader, trailer,
    camera). A camera's stream is added in the Cameras tab (`camera add`)."""

    code: str
    kind: str
    name: str
    category: str = DeviceCategory.AGENCY.value
    vehicle_unit: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    area: str = ""
    address: str = ""
    vendor: str | None = None
    model: str | None = None
    version: str | None = None
    expected_version: str | None = None
    installed_on: date | None = None
    # The id the vendor's reads and heartbeats carry (an OpenALPR camera_id, a Frigate camera
    # name, a Genetec "VehicleID/CameraName"), as it sends it; reads link by it, else by code.
    vendor_id: str | None = None


@dataclass(frozen=True)
class DeviceUpdate:
    """What changes; None leaves a field as it is, "" empties a text field. Service state
    moves only between in service and out of service: damage is reported and cleared."""

    name: str | None = None
    vehicle_unit: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    area: str | None = None
    address: str | None = None
    vendor: str | None = None
    model: str | None = None
    version: str | None = None
    expected_version: str | None = None
    installed_on: date | None = None
    service_state: str | None = None
    vendor_id: str | None = None


@dataclass(frozen=True)
class DeviceView:
    id: int
    code: str
    name: str
    kind: DeviceKind
    category: DeviceCategory
    area: str
    address: str
    latitude: float | None
    longitude: float | None
    vehicle_unit: str | None
    vendor: str | None
    model: str | None
    version: str | None
    expected_version: str | None
    installed_on: date | None
    service_state: ServiceState
    last_seen_at: datetime | None
    open_reports: int
    stream: StreamHealth = StreamHealth.UNKNOWN  # the one stream state every screen shows
    vendor_id: str | None = None

    @property
    def kind_word(self) -> str:
        return KIND_WORDS[self.kind]

    @property
    def kind_title(self) -> str:
        return KIND_TITLES[self.kind]

    @property
    def category_title(self) -> str:
        return CATEGORY_TITLES[self.category]

    @property
    def state_title(self) -> str:
        return STATE_TITLES[self.service_state]

    @property
    def out_of_date(self) -> bool:
        return out_of_date(self.version, self.expected_version)

    @property
    def place(self) -> str:
        if self.vehicle_unit:
            return f"unit {self.vehicle_unit}"
        return self.address or self.area or (
            f"{self.latitude:.5f}, {self.longitude:.5f}" if self.latitude is not None
            and self.longitude is not None else "")


def device_view(device: Device, open_reports: int) -> DeviceView:
    return DeviceView(
        device.id, device.code, device.name, DeviceKind(device.kind),
        DeviceCategory(device.category), device.area, device.address, device.latitude,
        device.longitude, device.vehicle_unit, device.vendor, device.model, device.version,
        device.expected_version, device.installed_on, ServiceState(device.service_state),
        device.last_seen_at, open_reports,
        stream_health(device.is_streaming, device.last_seen_at, datetime.now(UTC)),
        device.vendor_ref)


def open_report_counts(session: Session, device_ids: list[int] | None = None) -> dict[int, int]:
    query = (select(DeviceReport.device_id, func.count())
             .where(DeviceReport.cleared_at.is_(None)).group_by(DeviceReport.device_id))
    if device_ids is not None:
        query = query.where(DeviceReport.device_id.in_(device_ids))
    return {device_id: count for device_id, count in session.execute(query)}


def device_by_code(session: Session, code: str, *, lock: bool = False) -> Device:
    query = select(Device).where(Device.code == code.strip().upper())
    device = session.scalar(query.with_for_update() if lock else query)
    if device is None:
        raise InputRejected(f"there is no device {code.strip()[:40]!r}")
    return device


def rule_error(exc: TextRuleError) -> InputRejected:
    return InputRejected(str(exc), clause=exc.clause)


@service_action("device.list")
def list_devices(session: Session, ctx: Context, kind: str | None = None) -> list[DeviceView]:
    """Every device by kind and code, each with its service state and open reports."""
    authorize(session, ctx, Permission.VIEW_DEVICES, action="device.list")
    query = select(Device).order_by(Device.kind, Device.code)
    if kind:
        try:
            query = query.where(Device.kind == kind_of(kind).value)
        except DeviceRuleError as exc:
            raise rule_error(exc) from None
    counts = open_report_counts(session)
    return [device_view(d, counts.get(d.id, 0)) for d in session.scalars(query)]


@service_action("device.list")
def devices_by_id(session: Session, ctx: Context, device_ids: list[int]) -> list[DeviceView]:
    """These devices as they are now: what a live list upserts."""
    authorize(session, ctx, Permission.VIEW_DEVICES, action="device.list")
    ids = list(set(device_ids))
    counts = open_report_counts(session, ids)
    return [device_view(d, counts.get(d.id, 0))
            for d in session.scalars(select(Device).where(Device.id.in_(ids)))]


def _optional(raw: str | None, label: str, limit: int) -> str | None:
    return clean_line(raw, label, limit) or None


def _unit(kind: DeviceKind, raw: str | None) -> str | None:
    unit = _optional(raw, "vehicle unit", 20)
    if kind is DeviceKind.ALPR_MOBILE and unit is None:
        raise DeviceRuleError("a mobile reader is registered with its vehicle unit")
    if kind is not DeviceKind.ALPR_MOBILE and unit is not None:
        raise DeviceRuleError("only a mobile reader has a vehicle unit")
    return unit


def _snapshot(device: Device) -> dict[str, object]:
    return {"code": device.code, "name": device.name, "kind": device.kind,
            "category": device.category, "vehicle_unit": device.vehicle_unit,
            "latitude": device.latitude, "longitude": device.longitude, "area": device.area,
            "address": device.address, "vendor": device.vendor, "model": device.model,
            "version": device.version, "expected_version": device.expected_version,
            "installed_on": device.installed_on.isoformat() if device.installed_on else None,
            "service_state": device.service_state, "vendor_id": device.vendor_ref}


def announce(session: Session, device: Device) -> None:
    """A device row changed: its list, and for a camera the wall and the Cameras tab."""
    publish(session, Change.DEVICE, (device.id,))
    if device.kind == DeviceKind.CAMERA.value:
        publish(session, Change.CAMERA, (device.id,))


@service_action("device.add")
def add_device(session: Session, ctx: Context, data: DeviceInput) -> DeviceView:
    authorize(session, ctx, Permission.MANAGE_DEVICES, action="device.add",
              object_type="device", object_id=data.code.strip()[:40])
    try:
        kind = kind_of(data.kind)
        try:
            category = DeviceCategory(data.category)
        except ValueError:
            raise DeviceRuleError("category must be one of: " + ", ".join(
                c.value for c in DeviceCategory) + " (F.1)", "F.1") from None
        latitude, longitude = clean_position(data.latitude, data.longitude)
        device = Device(
            code=clean_code(data.code), kind=kind.value, category=category.value,
            name=clean_line(data.name, "name", 120, required=True),
            vehicle_unit=_unit(kind, data.vehicle_unit), latitude=latitude,
            longitude=longitude, area=clean_line(data.area, "area", 80),
            address=clean_line(data.address, "address", 200),
            vendor=_optional(data.vendor, "vendor", 80),
            model=_optional(data.model, "model", 80), version=clean_version(data.version),
            expected_version=clean_version(data.expected_version, "expected version"),
            installed_on=check_installed_on(data.installed_on, ctx.today()),
            service_state=ServiceState.IN_SERVICE.value,
            vendor_ref=_optional(data.vendor_id, "vendor id", 80))
    except TextRuleError as exc:
        raise rule_error(exc) from None
    if session.scalar(select(Device.id).where(Device.code == device.code)) is not None:
        raise InputRejected(f"a device {device.code} already exists")
    _check_vendor_id(session, device)
    session.add(device)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="device.add", object_type="device", object_id=device.code,
                 details={"after": _snapshot(device)})
    announce(session, device)
    return device_view(device, 0)


def _apply(session: Session, ctx: Context, device: Device, change: DeviceUpdate) -> None:
    kind = DeviceKind(device.kind)
    text_limits = {"name": 120, "area": 80, "address": 200, "vendor": 80, "model": 80}
    for name, limit in text_limits.items():
        raw = getattr(change, name)
        if raw is not None:
            value = clean_line(raw, name, limit, required=name == "name")
            setattr(device, name, value if name in ("name", "area", "address") else value or None)
    if change.vehicle_unit is not None:
        device.vehicle_unit = _unit(kind, change.vehicle_unit)
    if change.latitude is not None or change.longitude is not None:
        device.latitude, device.longitude = clean_position(change.latitude, change.longitude)
    if change.version is not None:
        device.version = clean_version(change.version)
    if change.expected_version is not None:
        device.expected_version = clean_version(change.expected_version, "expected version")
    if change.installed_on is not None:
        device.installed_on = check_installed_on(change.installed_on, ctx.today())
    if change.vendor_id is not None:
        device.vendor_ref = _optional(change.vendor_id, "vendor id", 80)
        _check_vendor_id(session, device)
    if change.service_state is not None:
        move_state(session, device, state_of(change.service_state))


def _check_vendor_id(session: Session, device: Device) -> None:
    """One device per vendor id: a read names one reader."""
    if device.vendor_ref is None:
        return
    other = session.scalar(select(Device.code).where(Device.vendor_ref == device.vendor_ref,
                                                     Device.code != device.code))
    if other is not None:
        raise InputRejected(f"vendor id {device.vendor_ref!r} is already device {other}'s")


def move_state(session: Session, device: Device, state: ServiceState) -> None:
    """Into or out of service, never past a damage report (B.2): a reported device stays
    damaged until an ALPR administrator clears its report."""
    if state is ServiceState.DAMAGED:
        raise DeviceRuleError("a device is marked damaged by reporting it (device report)",
                              "B.2")
    if device.service_state == ServiceState.DAMAGED.value or open_report_counts(
            session, [device.id]).get(device.id):
        if state is ServiceState.IN_SERVICE:
            raise Refused(f"Device {device.code} has an open damage report: an ALPR "
                          "administrator clears it with a note to put it back in service.",
                          clause="B.2", object_type="device", object_id=device.code)
        return  # out of service while damaged: it stays damaged
    device.service_state = state.value


@service_action("device.update")
def update_device(session: Session, ctx: Context, code: str, change: DeviceUpdate) -> DeviceView:
    """The audit event carries the record before and after, and what changed."""
    authorize(session, ctx, Permission.MANAGE_DEVICES, action="device.update",
              object_type="device", object_id=code.strip()[:40])
    device = device_by_code(session, code, lock=True)
    before = _snapshot(device)
    try:
        _apply(session, ctx, device, change)
    except TextRuleError as exc:
        raise rule_error(exc) from None
    session.flush()
    after = _snapshot(device)
    changed = sorted(k for k in after if after[k] != before[k])
    if changed:
        append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                     action="device.update", object_type="device", object_id=device.code,
                     details={"before": before, "after": after, "changed": changed})
        announce(session, device)
    return device_view(device, open_report_counts(session, [device.id]).get(device.id, 0))

