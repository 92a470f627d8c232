"""Reviewing the audit trail: filtered listing and CSV export (itself audited).

Verification, with the signed checkpoints, is in `audit_anchor.verify_trail`."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from rtic_console.domain.audit_chain import AuditRecord, canonical_details
from rtic_console.domain.plates import InvalidPlate, normalize_plate
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.store import audit_log
from rtic_console.store.audit_log import AuditFilter, append_event
from rtic_console.store.private_files import write_private

# `details` is the event as chained (plates as digests, so the file can be checked against
# the trail); `plates` the plain plates still kept behind those digests.
CSV_COLUMNS = ["seq", "occurred_at_utc", "actor_badge", "workstation", "action", "object_type",
               "object_id", "reason", "details", "prev_hash", "hash", "plates"]


def _checked(flt: AuditFilter) -> AuditFilter:
    if not flt.plate:
        return flt
    try:
        return replace(flt, plate=normalize_plate(flt.plate))
    except InvalidPlate as exc:
        raise InputRejected(f"plate: {exc}") from None


@service_action("audit.list")
def list_events(session: Session, ctx: Context, flt: AuditFilter) -> list[AuditRecord]:
    """Events by the filter; a plate filter finds every event naming it, by its digest after
    retention removed the plain plate ("who searched plate X", C.1)."""
    authorize(session, ctx, Permission.VIEW_AUDIT, action="audit.list")
    return audit_log.list_events(session, _checked(flt))


@service_action("audit.list")
def known_actions(session: Session, ctx: Context) -> list[str]:
    authorize(session, ctx, Permission.VIEW_AUDIT, action="audit.list")
    return audit_log.distinct_actions(session)


def safe_cell(value: object) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(records: list[AuditRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in records:
        writer.writerow([safe_cell(v) for v in (
            r.seq, r.occurred_at.isoformat(), r.actor_badge, r.workstation, r.action,
            r.object_type, r.object_id, r.reason, canonical_details(r.details), r.prev_hash,
            r.hash, canonical_details(r.plates) if r.plates else "")])
    return out.getvalue()


@service_action("audit.export")
def export_csv(session: Session, ctx: Context, flt: AuditFilter, path: Path) -> int:
    """Write the filtered events to a CSV file; the export is audited with its filter."""
    authorize(session, ctx, Permission.VIEW_AUDIT, action="audit.export")
    flt = _checked(flt)
    records = audit_log.list_events(session, flt)
    try:
        write_private(path, render_csv(records).encode("utf-8"))
    except OSError as exc:
        raise InputRejected(f"file: cannot write {path.name}: {exc.strerror or exc}") from None
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="audit.export", object_type="audit", reason="CSV export",
                 details={"rows": len(records), "file": path.name, "filter": {
                     "since": flt.since.isoformat() if flt.since else None,
                     "until": flt.until.isoformat() if flt.until else None,
                     "actor": flt.actor_badge, "action": flt.action,
                     "object_type": flt.object_type, "object_id": flt.object_id}},
                 plates={"filter_plate": flt.plate} if flt.plate else None)
    return len(records)

