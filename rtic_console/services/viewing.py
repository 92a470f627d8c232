"""Opening cameras on the wall: the stated purpose (F.2) and donor terms (G.2, G.3). The
layouts each person saves are `wall_layouts`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from rtic_console.domain.devices import DeviceKind
from rtic_console.domain.donor_terms import DonorAgreementTerms, ViewingDecision, evaluate_viewing
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.camera_credentials import (
    CredentialsUnavailable,
    StreamUrls,
    stream_urls,
)
from rtic_console.services.cameras import CameraView, camera_view
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.donors import terms_for_camera
from rtic_console.services.station_proof import unenrolled_reason
from rtic_console.services.viewing_requests import approved_window
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import CameraSettings, Device

VIEW = "pscn.view"
MAX_TILES = 64


class ViewingPurpose(StrEnum):
    MONITORING_LOCATION = "monitoring_location"
    MONITORING_EVENT = "monitoring_event"
    EVIDENCE_COLLECTION = "evidence_collection"
    TRAINING = "training"
    COMMANDER_APPROVED_REQUEST = "commander_approved_request"


PURPOSE_TITLES: dict[ViewingPurpose, str] = {
    ViewingPurpose.MONITORING_LOCATION: "Monitoring a location",
    ViewingPurpose.MONITORING_EVENT: "Monitoring an event",
    ViewingPurpose.EVIDENCE_COLLECTION: "Evidence collection",
    ViewingPurpose.TRAINING: "Training",
    ViewingPurpose.COMMANDER_APPROVED_REQUEST: "Request approved by a division commander",
}


@dataclass(frozen=True)
class TileGrant:
    """What one tile may show. A refused tile carries no stream URLs, so there is nothing to
    open; an allowed donor tile carries the terms whose masks must be applied, and `until`,
    the instant it must go dark (or, when refused, may be asked for again). `streams` are
    the whole URLs to connect with (credentials included, shown only redacted); None when
    refused or when this workstation cannot open the camera's credentials (`reason` says)."""

    camera: CameraView
    allowed: bool
    reason: str
    clause: str | None
    until: datetime | None
    terms: DonorAgreementTerms | None
    streams: StreamUrls | None = None


@dataclass(frozen=True)
class WallGrant:
    purpose: ViewingPurpose
    reference: str | None
    opened_at: datetime
    tiles: tuple[TileGrant, ...]


def purpose_of(purpose: str | None, reference: str | None) -> ViewingPurpose:
    """F.2; refused under the action of the service asking (a wall, a playback)."""

    def refuse(message: str) -> Refused:
        return Refused(message, clause="F.2")

    try:
        chosen = ViewingPurpose((purpose or "").strip())
    except ValueError:
        raise refuse("State why the cameras are viewed (F.2): " + ", ".join(
            t.lower() for t in PURPOSE_TITLES.values()) + ".") from None
    if chosen is ViewingPurpose.COMMANDER_APPROVED_REQUEST and not (reference or "").strip():
        raise refuse("A request approved by a division commander needs its reference (F.2).")
    return chosen


def _donor_decision(session: Session, ctx: Context, device: Device,
                    terms: DonorAgreementTerms | None, now: datetime) -> ViewingDecision:
    """G.3.f: only an enrolled workstation the agreement names shows a donor feed."""
    why_not = unenrolled_reason(session, ctx)
    station = ctx.enrolled_station
    if why_not is not None or station is None:
        return ViewingDecision(False, str(why_not), "G.3.f")
    return evaluate_viewing(terms, device.code, station.name, now)


def _grant(session: Session, device: Device, ctx: Context, now: datetime) -> TileGrant:
    view = camera_view(device, session.get(CameraSettings, device.id))
    terms = None
    if view.is_donor:
        terms = terms_for_camera(session, device.id, now)
        decision = _donor_decision(session, ctx, device, terms, now)
    else:
        decision = ViewingDecision(True, "PSCN camera", "")
    if not decision.allowed:
        return TileGrant(view, False, decision.reason, decision.clause, decision.until, terms)
    try:
        streams = stream_urls(session, device)
    except CredentialsUnavailable as exc:
        return TileGrant(view, True, f"not shown here: {exc}", decision.clause or None,
                         decision.until, terms)
    return TileGrant(view, True, decision.reason, decision.clause or None, decision.until,
                     terms, streams)


@service_action(VIEW)
def check_purpose(session: Session, ctx: Context, purpose: str | None,
                  reference: str | None = None) -> ViewingPurpose:
    """The wall's purpose before a camera opens, so its bar never names one the service
    refuses: a commander-approved request must be approved and in its window now (F.2.e).
    Writes nothing; a refusal is audited."""
    authorize(session, ctx, Permission.VIEW_CAMERAS, action=VIEW, object_type="wall")
    chosen = purpose_of(purpose, reference)
    if chosen is ViewingPurpose.COMMANDER_APPROVED_REQUEST:
        approved_window(session, ctx, reference, VIEW)
    return chosen


@service_action(VIEW)
def open_wall(session: Session, ctx: Context, camera_ids: Sequence[int], purpose: str | None,
              reference: str | None = None) -> WallGrant:
    """One audit event per camera: `pscn.view` with the purpose, or `pscn.view.refused` with
    the clause that kept a donor camera dark. Ask again at a tile's `until`."""
    authorize(session, ctx, Permission.VIEW_CAMERAS, action=VIEW, object_type="wall")
    chosen = purpose_of(purpose, reference)
    window_end = None
    if chosen is ViewingPurpose.COMMANDER_APPROVED_REQUEST:
        reference, window_end = approved_window(session, ctx, reference, VIEW)
    reference = (reference or "").strip()[:200] or None
    ids = list(dict.fromkeys(camera_ids))
    if not 0 < len(ids) <= MAX_TILES:
        raise InputRejected(f"open 1 to {MAX_TILES} cameras at a time")
    now = ctx.now()
    tiles = []
    for camera_id in ids:
        device = session.get(Device, camera_id)
        if device is None or device.kind != DeviceKind.CAMERA.value:
            raise InputRejected(f"there is no camera #{camera_id}")
        grant = _until(_grant(session, device, ctx, now), window_end)
        details: dict[str, object] = {"purpose": chosen.value, "reference": reference,
                                      "category": device.category}
        if grant.terms is not None:
            details |= {"agreement": grant.terms.agreement_id,
                        "until": grant.until.isoformat() if grant.until else None}
        if grant.clause:
            details["clause"] = grant.clause
        if grant.allowed and grant.streams is None:
            details["not_shown"] = grant.reason
        append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                     action=VIEW if grant.allowed else f"{VIEW}.refused",
                     object_type="camera", object_id=device.code,
                     reason=PURPOSE_TITLES[chosen] if grant.allowed else grant.reason,
                     details=details)
        tiles.append(grant)
    publish(session, Change.VIEWING, ids)
    return WallGrant(chosen, reference, now, tuple(tiles))


def _until(grant: TileGrant, window_end: datetime | None) -> TileGrant:
    """F.2.e: a tile opened under a commander's approval goes dark when its window ends."""
    if window_end is None or not grant.allowed or (grant.until and grant.until <= window_end):
        return grant
    return replace(grant, until=window_end)
