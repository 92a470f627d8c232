"""Steering a PTZ camera: who may, for what purpose, and never a donor's (G.3.c).

A move is decided and audited here before it reaches the camera: the person's role and
training, the wall's viewing purpose (F.2; a commander-approved request still in its
window), the camera's range (clamped or refused), and the donor rule: an agreement's viewing
angles are the donor's, so a camera any agreement ever covered is never moved. Each move is
one `ptz.move` event with the purpose; a stop is not a move and is not audited. Presets live
on the camera; storing one changes what every operator's keys do, so it takes MANAGE_CAMERAS.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from rtic_console.domain.ptz import (
    PtzCommand,
    PtzMove,
    PtzRange,
    PtzRangeError,
    checked_command,
)
from rtic_console.domain.roles import Permission, allows
from rtic_console.domain.stream_urls import SecretUrl
from rtic_console.services.auth import authorize, roles_of
from rtic_console.services.cameras import camera_of, is_donor_camera
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.onvif_cameras import onvif_address, onvif_view
from rtic_console.services.viewing import PURPOSE_TITLES, ViewingPurpose, purpose_of
from rtic_console.services.viewing_requests import approved_window
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import CameraOnvif, Device

MOVE = "ptz.move"
SET_PRESET = "ptz.preset.set"
DONOR_REFUSAL = ("donor cameras are never moved from the console: the agreement sets their "
                 "viewing angles (G.3.c)")


@dataclass(frozen=True)
class PtzTarget:
    """What the large view needs to offer PTZ, without the address. `refusal` says why a
    PTZ camera may not be steered here (a donor camera)."""

    camera_id: int
    code: str
    limits: PtzRange
    home_after_minutes: int | None
    may_set_presets: bool
    refusal: str | None


@dataclass(frozen=True)
class PtzPlan:
    """A decided command: where to send it (whole address, shown redacted) and a note when
    the command was clamped to the range."""

    code: str
    address: SecretUrl
    profile_token: str
    command: PtzCommand
    note: str | None


def _action(camera_id: int, command: PtzCommand, *args: object, **kwargs: object) -> str:
    return SET_PRESET if command.move is PtzMove.SET_PRESET else MOVE


def _ptz_row(session: Session, device: Device) -> CameraOnvif:
    row = session.get(CameraOnvif, device.id)
    if row is None or not row.ptz:
        raise InputRejected(f"camera {device.code} has no PTZ through ONVIF")
    return row


@service_action("ptz.target")
def ptz_target(session: Session, ctx: Context, camera_id: int) -> PtzTarget | None:
    """None for a camera without PTZ; a donor camera's target carries the refusal."""
    person = authorize(session, ctx, Permission.VIEW_CAMERAS, action="ptz.target")
    device = camera_of(session, camera_id)
    row = session.get(CameraOnvif, device.id)
    if row is None or not row.ptz:
        return None
    view = onvif_view(row)
    roles = roles_of(person)
    return PtzTarget(device.id, device.code, view.ptz_range or PtzRange(),
                     view.home_after_minutes, allows(roles, Permission.MANAGE_CAMERAS),
                     DONOR_REFUSAL if is_donor_camera(session, device) else None)


def _steerable(session: Session, ctx: Context, camera_id: int, permission: Permission,
               action: str, purpose: str | None, reference: str | None,
               ) -> tuple[Device, CameraOnvif, ViewingPurpose, str | None]:
    authorize(session, ctx, permission, action=action, object_type="camera",
              object_id=camera_id)
    chosen = purpose_of(purpose, reference)
    if chosen is ViewingPurpose.COMMANDER_APPROVED_REQUEST:
        reference, _ = approved_window(session, ctx, reference, action)
    device = camera_of(session, camera_id)
    if is_donor_camera(session, device):
        raise Refused(DONOR_REFUSAL[0].upper() + DONOR_REFUSAL[1:] + ".", action=action,
                      clause="G.3.c", object_type="camera", object_id=device.code)
    return device, _ptz_row(session, device), chosen, (reference or "").strip()[:200] or None


@service_action(_action)
def plan_ptz(session: Session, ctx: Context, camera_id: int, command: PtzCommand,
             purpose: str | None, reference: str | None = None,
             idle_minutes: int | None = None) -> PtzPlan:
    """Decides one command and audits it (a stop is decided, not audited). `idle_minutes`
    marks the console's own return home after that many idle minutes."""
    action = _action(camera_id, command)
    permission = (Permission.MANAGE_CAMERAS if command.move is PtzMove.SET_PRESET
                  else Permission.STEER_CAMERAS)
    device, row, chosen, reference = _steerable(session, ctx, camera_id, permission, action,
                                                purpose, reference)
    try:
        sent, note = checked_command(command, onvif_view(row).ptz_range or PtzRange())
    except PtzRangeError as exc:
        raise InputRejected(f"camera {device.code}: {exc}") from None
    if command.move is not PtzMove.STOP:
        details: dict[str, object] = {"purpose": chosen.value, "reference": reference,
                                      **sent.summary()}
        if note:
            details["note"] = note
        if idle_minutes:
            details["idle_minutes"] = idle_minutes
        append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                     action=action, object_type="camera", object_id=device.code,
                     reason=PURPOSE_TITLES[chosen], details=details)
    return PtzPlan(device.code, onvif_address(row, device.code), row.profile_token, sent, note)


@service_action("ptz.presets")
def plan_presets(session: Session, ctx: Context, camera_id: int, purpose: str | None,
                 reference: str | None = None) -> PtzPlan:
    """Listing a camera's presets: the same checks as a move, nothing to audit."""
    device, row, _, _ = _steerable(session, ctx, camera_id, Permission.STEER_CAMERAS,
                                   "ptz.presets", purpose, reference)
    return PtzPlan(device.code, onvif_address(row, device.code), row.profile_token,
                   PtzCommand(PtzMove.STOP), None)
