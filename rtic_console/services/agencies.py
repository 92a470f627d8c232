"""The agency directory (C.2 to C.4): kept by ALPR administrators by hand or from a CSV file
with a report per row; every change audited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.agencies import (
    AgencyData,
    AgencyRuleError,
    ori_of,
    parse_agency_csv,
    validate_agency,
)
from rtic_console.domain.registry_rules import RegistryFileError
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Agency

MAX_REPORTED_ROWS = 200


@dataclass(frozen=True)
class AgencyInput:
    """Fields as the form, the command line or a file gives them; the rules judge them."""

    ori: object
    name: object
    state: object
    agency_type: object
    law_enforcement: object = None
    learn_partner: object = None
    contact: object = None


@dataclass(frozen=True)
class AgencyView:
    id: int
    ori: str
    name: str
    state: str
    agency_type: str
    law_enforcement: bool
    learn_partner: bool
    contact: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class AgencyRowOutcome:
    row: int
    status: str  # added, updated, unchanged or refused
    detail: str
    ori: str | None = None


@dataclass(frozen=True)
class AgencyImportReport:
    filename: str
    sha256: str
    rows: tuple[AgencyRowOutcome, ...]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.rows)

    @property
    def complete(self) -> bool:
        return not self.count("refused")


def agency_view(row: Agency) -> AgencyView:
    return AgencyView(row.id, row.ori, row.name, row.state, row.agency_type,
                      row.law_enforcement, row.learn_partner, row.contact, row.updated_at,
                      row.updated_by)


def _validated(item: AgencyInput) -> AgencyData:
    try:
        return validate_agency(ori=item.ori, name=item.name, state=item.state,
                               agency_type=item.agency_type,
                               law_enforcement=item.law_enforcement,
                               learn_partner=item.learn_partner, contact=item.contact)
    except AgencyRuleError as exc:
        raise InputRejected(str(exc), clause=exc.clause) from None


def agency_by_ori(session: Session, ori: object) -> Agency | None:
    """The directory entry of an ORI as typed; None when the directory does not hold it."""
    try:
        return session.scalar(select(Agency).where(Agency.ori == ori_of(ori)))
    except AgencyRuleError:
        return None


def _audit(session: Session, ctx: Context, action: str, object_id: str | None,
           details: dict[str, object], object_type: str = "agency") -> None:
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=action, object_type=object_type, object_id=object_id, reason=None,
                 details=details)


@service_action("agency.add")
def add_agency(session: Session, ctx: Context, item: AgencyInput) -> AgencyView:
    """An agency by hand; an ORI already in the directory is refused (import updates)."""
    authorize(session, ctx, Permission.MANAGE_AGENCIES, action="agency.add",
              object_type="agency")
    data = _validated(item)
    if agency_by_ori(session, data.ori) is not None:
        raise InputRejected(f"ORI {data.ori} is already in the directory")
    now = ctx.now()
    row = Agency(**data.fields(), created_at=now, created_by=ctx.actor.badge, updated_at=now,
                 updated_by=ctx.actor.badge)
    session.add(row)
    session.flush()
    _audit(session, ctx, "agency.add", data.ori, data.fields())
    publish(session, Change.AGENCY, (row.id,))
    return agency_view(row)


@service_action("agency.list")
def list_agencies(session: Session, ctx: Context) -> list[AgencyView]:
    authorize(session, ctx, Permission.VIEW_SHARING, action="agency.list",
              object_type="agency")
    return [agency_view(r) for r in session.scalars(
        select(Agency).order_by(Agency.state, Agency.name, Agency.ori))]


@service_action("agency.import")
def import_agencies(session: Session, ctx: Context, filename: str,
                    data: bytes) -> AgencyImportReport:
    """Each row added, updated (an ORI already held, with the changed fields audited),
    unchanged, or refused with its reason; a row without state or type is refused, never
    taken as a California agency. Good rows and one summary event commit together."""
    name = " ".join(str(filename).split())[:255]
    authorize(session, ctx, Permission.MANAGE_AGENCIES, action="agency.import",
              object_type="agency_directory", object_id=name)
    try:
        parsed = parse_agency_csv(data)
    except RegistryFileError as exc:
        raise InputRejected(f"{name}: {exc}; nothing was imported") from None
    sha256 = hashlib.sha256(data).hexdigest()
    held = {a.ori: a for a in session.scalars(select(Agency))}
    seen: dict[str, int] = {}
    outcomes: list[AgencyRowOutcome] = []
    changes: dict[str, dict[str, list[object]]] = {}
    now, badge = ctx.now(), ctx.actor.badge
    for parsed_row in parsed:
        agency = parsed_row.agency
        if agency is None:
            outcomes.append(AgencyRowOutcome(parsed_row.row, "refused",
                                             parsed_row.problem or ""))
            continue
        if agency.ori in seen:
            outcomes.append(AgencyRowOutcome(parsed_row.row, "refused",
                                             f"ORI {agency.ori} is also on row "
                                             f"{seen[agency.ori]}", agency.ori))
            continue
        seen[agency.ori] = parsed_row.row
        row = held.get(agency.ori)
        if row is None:
            session.add(Agency(**agency.fields(), created_at=now, created_by=badge,
                               updated_at=now, updated_by=badge))
            outcomes.append(AgencyRowOutcome(parsed_row.row, "added", "", agency.ori))
            continue
        changed = {k: [getattr(row, k), v] for k, v in agency.fields().items()
                   if getattr(row, k) != v}
        if not changed:
            outcomes.append(AgencyRowOutcome(parsed_row.row, "unchanged", "", agency.ori))
            continue
        for field, (_before, after) in changed.items():
            setattr(row, field, after)
        row.updated_at, row.updated_by = now, badge
        changes[agency.ori] = changed
        outcomes.append(AgencyRowOutcome(parsed_row.row, "updated",
                                         ", ".join(sorted(changed)), agency.ori))
    session.flush()
    report = AgencyImportReport(name, sha256, tuple(outcomes))
    counts = {s: report.count(s) for s in ("added", "updated", "unchanged", "refused")}
    refused = [[o.row, o.detail] for o in outcomes if o.status == "refused"]
    _audit(session, ctx, "agency.import", name, {
        "file": name, "sha256": sha256, "rows": len(outcomes), **counts,
        "changes": dict(list(changes.items())[:MAX_REPORTED_ROWS]),
        "refused_rows": refused[:MAX_REPORTED_ROWS]}, object_type="agency_directory")
    if counts["added"] or counts["updated"]:
        publish(session, Change.AGENCY)
    return report
