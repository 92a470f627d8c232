"""Private donor camera agreements (G.2, G.3): kept by ALPR administrators, read by the wall."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from rtic_console.domain.devices import DeviceCategory, DeviceKind
from rtic_console.domain.donor_terms import (
    DEFAULT_TIME_ZONE,
    END_OF_DAY,
    DonorAgreementTerms,
    DonorTermsError,
    evaluate_viewing,
    first_clause,
    validate_terms,
)
from rtic_console.domain.roles import Permission
from rtic_console.domain.stream_urls import SecretUrl
from rtic_console.services.auth import authorize
from rtic_console.services.camera_credentials import stream_urls
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.station_proof import unenrolled_reason
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Device, DonorAgreement, DonorAgreementCamera

EXPIRY_WARNING = timedelta(days=30)
MASK_FRAME = "donor.mask_frame"
MIN_REASON = 8


@dataclass(frozen=True)
class AgreementInput:
    """Hours map weekday (0 = Monday) to (start, end) local times; END_OF_DAY means 24:00.
    Mask points are fractions of the frame's width and height (0 to 1, top left origin)."""

    reference: str
    donor_name: str
    camera_codes: tuple[str, ...]
    purpose_and_manner: str
    allowed_hours: Mapping[int, Sequence[tuple[time, time]]]
    effective_at: datetime
    expires_at: datetime
    retrieval_process: str
    donor_contact: str = ""
    mask_polygons: tuple[tuple[tuple[float, float], ...], ...] = ()
    real_time_only: bool = True
    allowed_workstations: tuple[str, ...] = ()
    time_zone: str = DEFAULT_TIME_ZONE


@dataclass(frozen=True)
class AgreementView:
    id: int
    reference: str
    donor_name: str
    donor_contact: str
    camera_codes: tuple[str, ...]
    camera_ids: tuple[int, ...]
    terms: DonorAgreementTerms
    status: str  # "current", "not yet in effect", "expired" or "withdrawn"
    expires_soon: bool  # current and ending within 30 days: the admin tab flags it
    created_by: str
    updated_by: str | None
    updated_at: datetime | None
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class MaskFrameGrant:
    """One unmasked frame may be fetched from `url` now, to draw the agreement's masks."""

    camera_code: str
    agreement: str
    url: SecretUrl
    until: datetime | None


def _clock(value: time) -> str:
    return "24:00" if value == END_OF_DAY else value.strftime("%H:%M")


def _parse_clock(value: str) -> time:
    return END_OF_DAY if value == "24:00" else time.fromisoformat(value)


def _hours_json(hours: Mapping[int, Sequence[tuple[time, time]]]) -> str:
    return json.dumps({str(day): [[_clock(a), _clock(b)] for a, b in windows]
                       for day, windows in sorted(hours.items())})


def _terms(row: DonorAgreement, codes: Sequence[str]) -> DonorAgreementTerms:
    hours = {int(day): tuple((_parse_clock(a), _parse_clock(b)) for a, b in windows)
             for day, windows in json.loads(row.allowed_hours).items()}
    return DonorAgreementTerms(
        agreement_id=row.reference, donor_name=row.donor_name, camera_ids=frozenset(codes),
        purpose_and_manner=row.purpose_and_manner, allowed_hours=hours,
        mask_polygons=json.loads(row.mask_polygons), real_time_only=row.real_time_only,
        allowed_workstations=frozenset(json.loads(row.allowed_workstations)),
        effective_at=row.effective_at, expires_at=row.expires_at,
        retrieval_process=row.retrieval_process, time_zone=row.time_zone)


def _covered(session: Session, agreement_id: int) -> list[Device]:
    return list(session.scalars(
        select(Device).join(DonorAgreementCamera, DonorAgreementCamera.device_id == Device.id)
        .where(DonorAgreementCamera.agreement_id == agreement_id).order_by(Device.code)))


def _view(session: Session, row: DonorAgreement, now: datetime) -> AgreementView:
    cameras = _covered(session, row.id)
    codes = tuple(d.code for d in cameras)
    if row.withdrawn_at is not None:
        status = "withdrawn"
    elif now < row.effective_at:
        status = "not yet in effect"
    elif now >= row.expires_at:
        status = "expired"
    else:
        status = "current"
    return AgreementView(
        row.id, row.reference, row.donor_name, row.donor_contact, codes,
        tuple(d.id for d in cameras), _terms(row, codes), status,
        status == "current" and row.expires_at - now <= EXPIRY_WARNING,
        row.created_by, row.updated_by, row.updated_at, row.withdrawn_at)


def _donor_cameras(session: Session, codes: Sequence[str]) -> list[Device]:
    cameras = []
    for code in dict.fromkeys(c.strip().upper() for c in codes):
        device = session.scalar(select(Device).where(Device.code == code))
        if device is None or device.kind != DeviceKind.CAMERA.value:
            raise InputRejected(f"there is no camera {code!r}")
        if device.category != DeviceCategory.PRIVATE_DONOR.value:
            raise InputRejected(f"camera {code} is a {device.category} camera, not a private "
                                "donor camera (F.1); agreements cover donor cameras only",
                                clause="G.3.b")
        cameras.append(device)
    return cameras


def _outside_frame(polygon: object) -> bool:
    try:
        return any(not 0 <= float(v) <= 1 for point in polygon for v in point)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return False  # validate_terms names a point that is not two numbers


def _checked(session: Session, data: AgreementInput, agreement_id: int | None) -> list[Device]:
    """Everything the order asks of the terms, listed together so they are fixed in one go."""
    terms = DonorAgreementTerms(
        agreement_id=data.reference.strip(), donor_name=data.donor_name.strip(),
        camera_ids=frozenset(c.strip().upper() for c in data.camera_codes),
        purpose_and_manner=data.purpose_and_manner, allowed_hours=data.allowed_hours,
        mask_polygons=data.mask_polygons, real_time_only=data.real_time_only,
        allowed_workstations=frozenset(w.strip() for w in data.allowed_workstations),
        effective_at=data.effective_at, expires_at=data.expires_at,
        retrieval_process=data.retrieval_process, time_zone=data.time_zone)
    problems = []
    try:
        validate_terms(terms)
    except DonorTermsError as exc:
        problems = exc.problems
    for index, polygon in enumerate(terms.mask_polygons, 1):
        if _outside_frame(polygon):
            problems.append(f"privacy mask {index} has a point outside the frame "
                            "(coordinates run from 0 to 1) (G.3.c)")
    if len(terms.agreement_id) > 40 or len(terms.donor_name) > 120 \
            or len(data.donor_contact) > 200:
        problems.append("agreement id, donor name and contact are at most 40, 120 and 200 "
                        "characters")
    if problems:
        raise InputRejected("donor agreement refused: " + "; ".join(problems),
                            clause=first_clause(problems))
    cameras = _donor_cameras(session, data.camera_codes)
    for device in cameras:
        for other in session.scalars(
                select(DonorAgreement).join(DonorAgreementCamera)
                .where(DonorAgreementCamera.device_id == device.id,
                       DonorAgreement.withdrawn_at.is_(None))):
            if other.id != agreement_id and other.effective_at < data.expires_at \
                    and data.effective_at < other.expires_at:
                raise InputRejected(
                    f"camera {device.code} is already covered by agreement {other.reference} "
                    f"from {other.effective_at:%Y-%m-%d} to {other.expires_at:%Y-%m-%d}; "
                    "agreements for one camera may not overlap")
    return cameras


def _store(row: DonorAgreement, data: AgreementInput) -> None:
    row.reference = data.reference.strip()
    row.donor_name = data.donor_name.strip()
    row.donor_contact = data.donor_contact.strip()
    row.purpose_and_manner = data.purpose_and_manner.strip()
    row.allowed_hours = _hours_json(data.allowed_hours)
    row.mask_polygons = json.dumps([[list(p) for p in poly] for poly in data.mask_polygons])
    row.real_time_only = data.real_time_only
    row.allowed_workstations = json.dumps(sorted({w.strip() for w in data.allowed_workstations}))
    row.time_zone = data.time_zone
    row.effective_at, row.expires_at = data.effective_at, data.expires_at
    row.retrieval_process = data.retrieval_process.strip()


def _snapshot(row: DonorAgreement, cameras: Sequence[Device]) -> dict[str, object]:
    return {"reference": row.reference, "donor_name": row.donor_name,
            "cameras": [d.code for d in cameras], "purpose_and_manner": row.purpose_and_manner,
            "allowed_hours": json.loads(row.allowed_hours),
            "mask_polygons": json.loads(row.mask_polygons),
            "real_time_only": row.real_time_only,
            "allowed_workstations": json.loads(row.allowed_workstations),
            "time_zone": row.time_zone, "effective_at": row.effective_at.isoformat(),
            "expires_at": row.expires_at.isoformat()}


def _link(session: Session, row: DonorAgreement, cameras: Sequence[Device]) -> None:
    for link in session.scalars(select(DonorAgreementCamera)
                                .where(DonorAgreementCamera.agreement_id == row.id)):
        session.delete(link)
    session.flush()
    session.add_all(DonorAgreementCamera(agreement_id=row.id, device_id=d.id) for d in cameras)
    session.flush()


def _find(session: Session, agreement_id: int) -> DonorAgreement:
    """An agreement that may still be changed: withdrawn ones are kept as they ended."""
    row = session.get(DonorAgreement, agreement_id, with_for_update=True)
    if row is None:
        raise InputRejected(f"there is no donor agreement #{agreement_id}")
    if row.withdrawn_at is not None:
        raise InputRejected(f"agreement {row.reference} was withdrawn; add a new agreement "
                            "instead")
    return row


def _linked(session: Session, device_id: int) -> list[DonorAgreement]:
    return list(session.scalars(
        select(DonorAgreement).join(DonorAgreementCamera)
        .where(DonorAgreementCamera.device_id == device_id)
        .order_by(DonorAgreement.effective_at)))


def last_agreement_of(session: Session, device_id: int) -> DonorAgreement | None:
    """The latest agreement that ever covered the camera, withdrawn or expired included:
    such a camera's video is the donor's and is never recorded (G.1)."""
    rows = _linked(session, device_id)
    return rows[-1] if rows else None


def agreement_in_force(session: Session, device_id: int, now: datetime) -> DonorAgreement | None:
    """An agreement covering the camera now or later (not withdrawn, not expired): while
    there is one, the camera stays a donor camera."""
    return next((r for r in reversed(_linked(session, device_id))
                 if r.withdrawn_at is None and r.expires_at > now), None)


@service_action("donor.list")
def list_agreements(session: Session, ctx: Context) -> list[AgreementView]:
    authorize(session, ctx, Permission.MANAGE_DONORS, action="donor.list")
    return _views(session, ctx, select(DonorAgreement))


@service_action("donor.list")
def agreements_by_id(session: Session, ctx: Context,
                     agreement_ids: Collection[int]) -> list[AgreementView]:
    """These agreements as the list shows them: what a live list upserts."""
    authorize(session, ctx, Permission.MANAGE_DONORS, action="donor.list")
    return _views(session, ctx, select(DonorAgreement)
                  .where(DonorAgreement.id.in_(set(agreement_ids))))


def _views(session: Session, ctx: Context,
           query: Select[tuple[DonorAgreement]]) -> list[AgreementView]:
    now = ctx.now()
    rows = session.scalars(query.order_by(DonorAgreement.expires_at))
    return [_view(session, row, now) for row in rows]


@service_action("donor.add")
def create_agreement(session: Session, ctx: Context, data: AgreementInput) -> AgreementView:
    authorize(session, ctx, Permission.MANAGE_DONORS, action="donor.add",
              object_type="donor_agreement", object_id=data.reference[:40])
    cameras = _checked(session, data, None)
    if session.scalar(select(DonorAgreement.id)
                      .where(DonorAgreement.reference == data.reference.strip())):
        raise InputRejected(f"an agreement {data.reference.strip()} already exists")
    row = DonorAgreement(created_by=ctx.actor.badge)
    _store(row, data)
    session.add(row)
    session.flush()
    _link(session, row, cameras)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="donor.add", object_type="donor_agreement", object_id=row.reference,
                 details={"after": _snapshot(row, cameras)})
    publish(session, Change.DONOR_TERMS, tuple(d.id for d in cameras))
    publish(session, Change.DONOR_AGREEMENT, (row.id,))
    return _view(session, row, ctx.now())


@service_action("donor.edit")
def update_agreement(session: Session, ctx: Context, agreement_id: int,
                     data: AgreementInput) -> AgreementView:
    """Replaces the terms; walls showing the cameras re-evaluate them on the change event."""
    authorize(session, ctx, Permission.MANAGE_DONORS, action="donor.edit",
              object_type="donor_agreement", object_id=agreement_id)
    row = _find(session, agreement_id)
    cameras = _checked(session, data, agreement_id)
    old_cameras = _covered(session, agreement_id)
    before = _snapshot(row, old_cameras)
    _store(row, data)
    row.updated_by, row.updated_at = ctx.actor.badge, ctx.now()
    _link(session, row, cameras)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="donor.edit", object_type="donor_agreement", object_id=row.reference,
                 details={"before": before, "after": _snapshot(row, cameras)})
    publish(session, Change.DONOR_TERMS,
            tuple(sorted({d.id for d in [*cameras, *old_cameras]})))
    publish(session, Change.DONOR_AGREEMENT, (row.id,))
    return _view(session, row, ctx.now())


@service_action("donor.withdraw")
def withdraw_agreement(session: Session, ctx: Context, agreement_id: int,
                       reason: str) -> AgreementView:
    """A withdrawn agreement: its cameras go dark at once on every console (G.2). The row
    and its cameras are kept, so those cameras are never recorded (G.1)."""
    authorize(session, ctx, Permission.MANAGE_DONORS, action="donor.withdraw",
              object_type="donor_agreement", object_id=agreement_id)
    if not reason.strip():
        raise InputRejected("give the reason the agreement is withdrawn")
    row = _find(session, agreement_id)
    cameras = _covered(session, agreement_id)
    row.withdrawn_by, row.withdrawn_at = ctx.actor.badge, ctx.now()
    row.withdraw_reason = reason.strip()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="donor.withdraw", object_type="donor_agreement",
                 object_id=row.reference, reason=row.withdraw_reason,
                 details={"before": _snapshot(row, cameras)})
    publish(session, Change.DONOR_TERMS, tuple(d.id for d in cameras))
    publish(session, Change.DONOR_AGREEMENT, (row.id,))
    return _view(session, row, ctx.now())


def terms_for_camera(session: Session, device_id: int,
                     now: datetime) -> DonorAgreementTerms | None:
    """The agreement in force at `now`; else the next one (so the tile says when it opens);
    else the last one (so it says it expired); None when none covers it (never, or only
    withdrawn ones)."""
    now = now.astimezone(UTC)
    rows = [r for r in _linked(session, device_id) if r.withdrawn_at is None]
    chosen = (next((r for r in rows if r.effective_at <= now < r.expires_at), None)
              or next((r for r in rows if r.effective_at > now), None)
              or (rows[-1] if rows else None))
    if chosen is None:
        return None
    return _terms(chosen, [d.code for d in _covered(session, chosen.id)])


@service_action(MASK_FRAME)
def grant_mask_frame(session: Session, ctx: Context, agreement_id: int, camera_id: int,
                     reason: str) -> MaskFrameGrant:
    """The one place an unmasked donor frame may be seen: an ALPR administrator drawing the
    privacy masks of a saved agreement, on a workstation and at an hour the agreement allows,
    with a reason, audited (G.2, G.3). The caller fetches one frame and keeps none."""
    authorize(session, ctx, Permission.MANAGE_DONORS, action=MASK_FRAME, object_type="camera",
              object_id=camera_id)

    def refuse(message: str, clause: str) -> Refused:
        return Refused(message, action=MASK_FRAME, clause=clause, object_type="camera",
                       object_id=camera_id)

    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise refuse("Say why the unmasked frame is needed (at least "
                     f"{MIN_REASON} characters): it is recorded with the view.", "G.3.a")
    row = session.get(DonorAgreement, agreement_id)
    if row is None or row.withdrawn_at is not None:
        raise refuse("No donor frame without a saved, standing agreement (G.2).", "G.2")
    cameras = _covered(session, row.id)
    device = next((d for d in cameras if d.id == camera_id), None)
    if device is None:
        raise refuse(f"Camera #{camera_id} is not covered by agreement {row.reference}.",
                     "G.3.b")
    why_not = unenrolled_reason(session, ctx)
    station = ctx.enrolled_station
    if why_not is not None or station is None:
        raise refuse(f"No donor frame here: {why_not}.", "G.3.f")
    decision = evaluate_viewing(_terms(row, [d.code for d in cameras]), device.code,
                                station.name, ctx.now())
    if not decision.allowed:
        raise refuse(f"No frame of {device.code}: {decision.reason}.", decision.clause)
    url = stream_urls(session, device).main
    if url is None:
        raise InputRejected(f"camera {device.code} has no stream URL")
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=MASK_FRAME, object_type="camera", object_id=device.code, reason=reason,
                 details={"agreement": row.reference, "unmasked": True,
                          "kept": False,
                          "until": decision.until.isoformat() if decision.until else None})
    return MaskFrameGrant(device.code, row.reference, url, decision.until)
