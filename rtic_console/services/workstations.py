"""Enrolling and revoking workstations (G.3.f), by ALPR administrators, audited.

Enrolment happens at the machine being enrolled: the secret goes into that machine's OS
keyring in the same transaction as the enrolment, and is never shown or stored elsewhere.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.roles import Permission
from rtic_console.domain.workstations import clean_workstation_name
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.station_proof import (
    find_workstation,
    held_enrolment,
    keep_enrolment,
    secret_hash,
)
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.credentials import KeyringUnavailable
from rtic_console.store.models import Workstation

MIN_REASON = 8


@dataclass(frozen=True)
class WorkstationView:
    id: int
    name: str
    enrolled_by: str
    enrolled_at: datetime
    revoked_by: str | None
    revoked_at: datetime | None
    revoke_reason: str | None

    @property
    def status(self) -> str:
        return "revoked" if self.revoked_at else "enrolled"


def _view(row: Workstation) -> WorkstationView:
    return WorkstationView(row.id, row.name, row.enrolled_by, row.enrolled_at, row.revoked_by,
                           row.revoked_at, row.revoke_reason)


def _name(text: str) -> str:
    try:
        return clean_workstation_name(text)
    except ValueError as exc:
        raise InputRejected(str(exc)) from None


@service_action("workstation.enrol")
def enrol_workstation(session: Session, ctx: Context, name: str) -> WorkstationView:
    """Enrols the machine this runs on under `name`. A name already enrolled is refused
    (revoke it first); a revoked name may be enrolled again, with a new secret."""
    authorize(session, ctx, Permission.MANAGE_WORKSTATIONS, action="workstation.enrol",
              object_type="workstation", object_id=name.strip()[:63])
    name = _name(name)

    def refuse(message: str) -> Refused:
        return Refused(message, action="workstation.enrol", clause="G.3.f",
                       object_type="workstation", object_id=name)

    row = find_workstation(session, name)
    if row is not None and row.revoked_at is None:
        raise refuse(f"Workstation {row.name} is already enrolled (by {row.enrolled_by} on "
                     f"{row.enrolled_at.astimezone():%Y-%m-%d}); revoke it first to enrol a "
                     "machine under that name.")
    try:
        held = held_enrolment(session)
    except KeyringUnavailable as exc:
        raise InputRejected(f"{exc}: the enrolment secret has nowhere to live. Enrol from a "
                            "machine with an OS keyring (Windows Credential Manager, macOS "
                            "Keychain, or a Secret Service on Linux)") from None
    if held is not None:
        current = find_workstation(session, held[0])
        if current is not None and current.revoked_at is None \
                and current.name_key != name.casefold():
            raise refuse(f"This machine is already enrolled as {current.name}; revoke "
                         f"{current.name} first to enrol it under another name.")
    secret = secrets.token_urlsafe(32)
    again = row is not None
    if row is None:
        row = Workstation(name=name, name_key=name.casefold())
        session.add(row)
    row.secret_hash = secret_hash(secret)
    row.enrolled_by, row.enrolled_at = ctx.actor.badge, ctx.now()
    row.revoked_by = row.revoked_at = row.revoke_reason = None
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="workstation.enrol", object_type="workstation", object_id=row.name,
                 details={"enrolled_again": again})
    publish(session, Change.WORKSTATION, (row.id,))
    try:  # last, so a keyring that refuses rolls the enrolment back
        keep_enrolment(session, row.name, secret)
    except KeyringUnavailable as exc:
        raise InputRejected(f"{exc}; nothing was enrolled") from None
    return _view(row)


@service_action("workstation.revoke")
def revoke_workstation(session: Session, ctx: Context, name: str,
                       reason: str) -> WorkstationView:
    """From now on that machine runs as not enrolled: donor cameras go dark there at once
    (the wall re-checks on the change event) and its next sign-in says so."""
    authorize(session, ctx, Permission.MANAGE_WORKSTATIONS, action="workstation.revoke",
              object_type="workstation", object_id=name.strip()[:63])
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise Refused(f"Say why the workstation is revoked (at least {MIN_REASON} characters).",
                      action="workstation.revoke", clause="D.2.c", object_type="workstation",
                      object_id=name.strip()[:63])
    row = find_workstation(session, _name(name))
    if row is None or row.revoked_at is not None:
        raise InputRejected(f"there is no enrolled workstation {name.strip()!r}")
    row.revoked_by, row.revoked_at, row.revoke_reason = ctx.actor.badge, ctx.now(), reason
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="workstation.revoke", object_type="workstation", object_id=row.name,
                 reason=reason)
    publish(session, Change.WORKSTATION, (row.id,))
    return _view(row)


@service_action("workstation.list")
def list_workstations(session: Session, ctx: Context) -> list[WorkstationView]:
    authorize(session, ctx, Permission.MANAGE_WORKSTATIONS, action="workstation.list")
    return [_view(r) for r in session.scalars(select(Workstation).order_by(Workstation.name_key))]


@service_action("workstation.list")
def workstations_by_id(session: Session, ctx: Context,
                       workstation_ids: Collection[int]) -> list[WorkstationView]:
    """These workstations as the list shows them: what a live list upserts."""
    authorize(session, ctx, Permission.MANAGE_WORKSTATIONS, action="workstation.list")
    return [_view(r) for r in session.scalars(
        select(Workstation).where(Workstation.id.in_(set(workstation_ids))))]
