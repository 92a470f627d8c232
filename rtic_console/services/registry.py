"""The voluntary camera registry: kept by ALPR administrators (H.1), looked up for a case
(H.2, H.3)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from rtic_console.domain.registry_rules import (
    ParsedRegistryFile,
    RegistryEntryData,
    RegistryFileError,
    RegistryRuleError,
    duplicate_key,
    lookup_radius_of,
    parse_registry_csv,
    place_of,
    reason_of,
    validate_entry,
)
from rtic_console.domain.roles import Permission
from rtic_console.domain.search_rules import (
    SearchRuleError,
    bounding_box,
    case_number_of,
    distance_m,
)
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import RegistryEntry

# Registry writers take turns on PostgreSQL so two imports cannot both miss a duplicate;
# SQLite writers are already serialised by BEGIN IMMEDIATE.
REGISTRY_LOCK = 525_08_08
LOOKUP_CLAUSE = "H.2"  # a look-up is for evidence collection on a named case
MAX_REPORTED_ROWS = 200


@dataclass(frozen=True)
class EntryInput:
    """Fields as the form or a caller gives them; the registry rules judge them."""

    owner_name: object
    contact: object
    address: object
    latitude: object
    longitude: object
    equipment_type: object
    notes: object = ""


@dataclass(frozen=True)
class EntryView:
    id: int
    owner_name: str
    contact: str
    address: str
    latitude: float
    longitude: float
    equipment_type: str
    notes: str
    active: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class RowOutcome:
    row: int
    status: str  # "imported", "duplicate" or "refused"
    detail: str
    entry_id: int | None = None


@dataclass(frozen=True)
class ImportReport:
    filename: str
    sha256: str
    imported: int
    duplicates: int
    refused: int
    blank_rows: int
    unknown_columns: tuple[str, ...]
    rows: tuple[RowOutcome, ...]

    @property
    def complete(self) -> bool:
        return self.imported == len(self.rows)


@dataclass(frozen=True)
class NearInput:
    latitude: object
    longitude: object
    radius_m: object
    case_number: str | None


@dataclass(frozen=True)
class NearbyCamera:
    entry: EntryView
    distance_m: float


@dataclass(frozen=True)
class NearResult:
    case_number: str
    latitude: float
    longitude: float
    radius_m: float
    cameras: tuple[NearbyCamera, ...]


def _view(row: RegistryEntry) -> EntryView:
    return EntryView(row.id, row.owner_name, row.contact, row.address, row.latitude,
                     row.longitude, row.equipment_type, row.notes, row.active, row.created_at,
                     row.created_by, row.updated_at, row.updated_by)


def _validated(item: EntryInput) -> RegistryEntryData:
    try:
        return validate_entry(owner_name=item.owner_name, contact=item.contact,
                              address=item.address, latitude=item.latitude,
                              longitude=item.longitude, equipment_type=item.equipment_type,
                              notes=item.notes)
    except RegistryRuleError as exc:
        raise InputRejected(str(exc)) from None


def _take_turn(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REGISTRY_LOCK})


def _active_keys(session: Session) -> dict[tuple[str, str], int]:
    """Owner-and-address keys of the active entries; the registry is thousands, not millions."""
    rows = session.execute(select(RegistryEntry.id, RegistryEntry.owner_name,
                                  RegistryEntry.address).where(RegistryEntry.active))
    keys: dict[tuple[str, str], int] = {}
    for entry_id, owner, address in rows:
        keys.setdefault(duplicate_key(owner, address), entry_id)
    return keys


def _audit(session: Session, ctx: Context, action: str, entry_id: int | None,
           reason: str | None, details: dict[str, object],
           object_type: str = "registry_entry") -> None:
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=action, object_type=object_type, object_id=entry_id,
                 reason=reason, details=details)


@service_action("registry.add")
def add_entry(session: Session, ctx: Context, item: EntryInput) -> EntryView:
    """H.1: an entry by hand, refused when the owner is already registered at that address."""
    authorize(session, ctx, Permission.MANAGE_REGISTRY, action="registry.add",
              object_type="registry_entry")
    data = _validated(item)
    _take_turn(session)
    existing = _active_keys(session).get(data.duplicate_key())
    if existing is not None:
        raise InputRejected(f"entry #{existing} already registers {data.owner_name} at "
                            f"{data.address}; edit that entry instead")
    now = ctx.now()
    row = RegistryEntry(**data.fields(), active=True, created_at=now,
                        created_by=ctx.actor.badge, updated_at=now, updated_by=ctx.actor.badge)
    session.add(row)
    session.flush()
    _audit(session, ctx, "registry.add", row.id, None, data.fields())
    publish(session, Change.REGISTRY, (row.id,))
    return _view(row)


def _locked_entry(session: Session, entry_id: int) -> RegistryEntry:
    row = session.scalar(select(RegistryEntry).where(RegistryEntry.id == entry_id)
                         .with_for_update())
    if row is None:
        raise InputRejected(f"there is no registry entry #{entry_id}")
    if not row.active:
        raise InputRejected(f"registry entry #{entry_id} is deactivated")
    return row


@service_action("registry.edit")
def edit_entry(session: Session, ctx: Context, entry_id: int, item: EntryInput) -> EntryView:
    """The audit event keeps each changed field before and after."""
    authorize(session, ctx, Permission.MANAGE_REGISTRY, action="registry.edit",
              object_type="registry_entry", object_id=entry_id)
    data = _validated(item)
    _take_turn(session)
    row = _locked_entry(session, entry_id)
    existing = _active_keys(session).get(data.duplicate_key())
    if existing not in (None, entry_id):
        raise InputRejected(f"entry #{existing} already registers {data.owner_name} at "
                            f"{data.address}")
    changes = {name: [getattr(row, name), value] for name, value in data.fields().items()
               if getattr(row, name) != value}
    if not changes:
        return _view(row)
    for name, (_before, after) in changes.items():
        setattr(row, name, after)
    row.updated_at, row.updated_by = ctx.now(), ctx.actor.badge
    _audit(session, ctx, "registry.edit", row.id, None, {"changes": changes})
    publish(session, Change.REGISTRY, (row.id,))
    return _view(row)


@service_action("registry.deactivate")
def deactivate_entry(session: Session, ctx: Context, entry_id: int, reason: str) -> EntryView:
    """Kept, not deleted: past look-ups that found it still make sense in the audit trail."""
    authorize(session, ctx, Permission.MANAGE_REGISTRY, action="registry.deactivate",
              object_type="registry_entry", object_id=entry_id)
    try:
        reason = reason_of(reason)
    except RegistryRuleError as exc:
        raise InputRejected(str(exc)) from None
    row = _locked_entry(session, entry_id)
    row.active = False
    row.updated_at, row.updated_by = ctx.now(), ctx.actor.badge
    _audit(session, ctx, "registry.deactivate", row.id, reason,
           {"owner_name": row.owner_name, "address": row.address})
    publish(session, Change.REGISTRY, (row.id,))
    return _view(row)


@service_action("registry.list")
def list_entries(session: Session, ctx: Context, *,
                 include_inactive: bool = False) -> list[EntryView]:
    """The whole registry is for those who keep it; others look up near a place, for a case."""
    authorize(session, ctx, Permission.MANAGE_REGISTRY, action="registry.list",
              object_type="registry")
    return _entries(session, None, include_inactive)


@service_action("registry.list")
def entries_by_id(session: Session, ctx: Context, entry_ids: Collection[int], *,
                  include_inactive: bool = False) -> list[EntryView]:
    """Those of these entries the list shows: a deactivated one drops out unless
    `include_inactive`."""
    authorize(session, ctx, Permission.MANAGE_REGISTRY, action="registry.list",
              object_type="registry")
    return _entries(session, entry_ids, include_inactive)


def _entries(session: Session, ids: Collection[int] | None,
             include_inactive: bool) -> list[EntryView]:
    query = select(RegistryEntry).order_by(RegistryEntry.owner_name, RegistryEntry.id)
    if not include_inactive:
        query = query.where(RegistryEntry.active)
    if ids is not None:
        query = query.where(RegistryEntry.id.in_(set(ids)))
    return [_view(r) for r in session.scalars(query)]


@service_action("registry.import")
def import_file(session: Session, ctx: Context, filename: str, data: bytes) -> ImportReport:
    """Every row imported or refused with its reason; the good rows and one summary event
    commit together, and a refused row writes nothing."""
    name = " ".join(str(filename).split())[:255]
    authorize(session, ctx, Permission.MANAGE_REGISTRY, action="registry.import",
              object_type="registry", object_id=name)
    try:
        parsed = parse_registry_csv(data)
    except RegistryFileError as exc:
        raise InputRejected(f"{name}: {exc}; nothing was imported") from None
    sha256 = hashlib.sha256(data).hexdigest()
    _take_turn(session)
    outcomes = _store_rows(session, ctx, parsed)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("imported", "duplicate",
                                                               "refused")}
    report = ImportReport(name, sha256, counts["imported"], counts["duplicate"],
                          counts["refused"], parsed.blank_rows, parsed.unknown_columns,
                          tuple(outcomes))
    not_imported = [[o.row, o.status, o.detail] for o in outcomes if o.status != "imported"]
    _audit(session, ctx, "registry.import", None, None, {
        "file": name, "sha256": sha256, "rows": len(outcomes), **counts,
        "blank_rows": parsed.blank_rows, "unknown_columns": list(parsed.unknown_columns),
        "not_imported": not_imported[:MAX_REPORTED_ROWS]}, object_type="registry")
    if report.imported:
        # No ids: a NOTIFY payload holds 8000 bytes, and screens reload the list anyway.
        publish(session, Change.REGISTRY)
    return report


def _store_rows(session: Session, ctx: Context,
                parsed: ParsedRegistryFile) -> list[RowOutcome]:
    keys = {key: f"entry #{entry_id}" for key, entry_id in _active_keys(session).items()}
    now, badge = ctx.now(), ctx.actor.badge
    judged: list[tuple[int, str, str, RegistryEntry | None]] = []
    for row in parsed.rows:
        if row.entry is None:
            judged.append((row.row, "refused", row.problem or "", None))
            continue
        key = row.entry.duplicate_key()
        if key in keys:
            judged.append((row.row, "duplicate", f"already registered as {keys[key]}", None))
            continue
        keys[key] = f"row {row.row} of this file"
        judged.append((row.row, "imported", "", RegistryEntry(
            **row.entry.fields(), active=True, created_at=now, created_by=badge,
            updated_at=now, updated_by=badge)))
    session.add_all([entry for *_, entry in judged if entry is not None])
    session.flush()
    return [RowOutcome(number, status, detail) if entry is None
            else RowOutcome(number, status, f"entry #{entry.id}", entry.id)
            for number, status, detail, entry in judged]


@service_action("registry.near")
def cameras_near(session: Session, ctx: Context, item: NearInput) -> NearResult:
    """H.2, H.3: refused without the case it is for; audited with place, radius and count."""
    authorize(session, ctx, Permission.QUERY_REGISTRY, action="registry.near",
              object_type="registry")
    if not (item.case_number or "").strip():
        raise Refused("A registry look-up is for evidence collection on a case: name the "
                      "case number (H.2, H.3).", action="registry.near",
                      clause=LOOKUP_CLAUSE, object_type="registry")
    try:
        case = case_number_of(item.case_number)
        center = place_of(item.latitude, item.longitude)
        radius = lookup_radius_of(item.radius_m)
    except (SearchRuleError, RegistryRuleError) as exc:
        raise InputRejected(str(exc)) from None
    lat_lo, lat_hi, lon_lo, lon_hi = bounding_box(center, radius)
    rows = session.scalars(select(RegistryEntry).where(
        RegistryEntry.active, RegistryEntry.latitude.between(lat_lo, lat_hi),
        RegistryEntry.longitude.between(lon_lo, lon_hi)))
    found = sorted(((distance_m(center, (r.latitude, r.longitude)), r) for r in rows),
                   key=lambda pair: (pair[0], pair[1].id))
    cameras = tuple(NearbyCamera(_view(r), round(d, 1)) for d, r in found if d <= radius)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="registry.near", object_type="registry", object_id=case,
                 reason=f"evidence collection · case {case}",
                 details={"case": case, "latitude": center[0], "longitude": center[1],
                          "radius_m": radius, "results": len(cameras),
                          "entries": [c.entry.id for c in cameras[:MAX_REPORTED_ROWS]]})
    return NearResult(case, center[0], center[1], radius, cameras)

