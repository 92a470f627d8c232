"""Reviewing the audit trail: filtered listing and CSV export (itself audited).

Verification, with the signed checkpoints, is in `audit_anchor.verify_trail`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy.orm import Session

from rtic_console.domain.audit_chain import AuditRecord, canonical_details
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.store import audit_log
from rtic_console.store.audit_log import AuditFilter, append_event
from rtic_console.store.private_files import write_private

CSV_COLUMNS = ["seq", "occurred_at_utc", "actor_badge", "workstation", "action", "object_type",
               "object_id", "reason", "details", "prev_hash", "hash"]


@service_action("audit.list")
def list_events(session: Session, ctx: Context, flt: AuditFilter) -> list[AuditRecord]:
    authorize(session, ctx, Permission.VIEW_AUDIT, action="audit.list")
    return audit_log.list_events(session, flt)


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
            r.hash)])
    return out.getvalue()


@service_action("audit.export")
def export_csv(session: Session, ctx: Context, flt: AuditFilter, path: Path) -> int:
    """Write the filtered events to a CSV file; the export is audited with its filter."""
    authorize(session, ctx, Permission.VIEW_AUDIT, action="audit.export")
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
                     "object_type": flt.object_type, "object_id": flt.object_id}})
    return len(records)

