"""Hot lists: SPD hot plates (E.1, E.2), special lists with approval (I), file imports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from rtic_console.domain.hotlist_import import ParsedHotList, import_decision
from rtic_console.domain.hotlists import (
    HotListEntryData,
    HotListRuleError,
    ListKind,
    validate_hot_plate,
    validate_special_entry,
)
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected
from rtic_console.services.duties import requester_id_of, require_separate
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import ChangeEvent, publish
from rtic_console.store.models import HotList, HotListEntry, HotListImport

SPD_HOT_PLATES = "SPD hot plates"
SPECIAL_LIST = "SPD special hot list"
ENTRY_CHANGED = "hotlist.entry"
LIST_REPLACED = "hotlist.list"
MAX_LIST_NAME = 80


@dataclass(frozen=True)
class HotPlateInput:
    """A hand-entered plate as the form or CLI gives it; validated by the order's rules."""

    plate: str
    state: str | None
    reason: str
    case_number: str | None
    xref: str | None
    ncic_system: str | None
    ncic_record: str | None
    expires_in_hours: float | None = None
    plate_type: str | None = None
    narrative: str | None = None


@dataclass(frozen=True)
class EntryView:
    id: int
    list_name: str
    list_kind: ListKind
    plate: str
    state: str | None
    reason: str
    priority: int
    case_number: str | None
    xref: str | None
    ncic_system: str | None
    ncic_record: str | None
    narrative: str | None
    status: str
    entered_by: str | None
    entered_at: datetime
    effective_at: datetime | None
    expires_at: datetime | None
    decided_by: str | None
    decision_reason: str | None


@dataclass(frozen=True)
class ImportReport:
    list_name: str
    applied: bool
    file_format: str
    accepted: int
    bad_rows: tuple[tuple[int, str], ...]
    placeholders_skipped: int
    duplicates_merged: int
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]


def _list(session: Session, name: str, kind: ListKind) -> HotList:
    found = session.scalar(select(HotList).where(HotList.name == name))
    if found is not None:
        if found.kind != kind.value:
            raise InputRejected(f"list {name!r} is a {found.kind} list, not {kind.value}")
        return found
    created = HotList(name=name, kind=kind.value)
    session.add(created)
    session.flush()
    return created


def _entry_row(list_id: int, data: HotListEntryData, status: str,
               entered_by: str | None, entered_at: datetime) -> dict[str, object]:
    return {
        "list_id": list_id, "plate": data.plate, "state": data.state,
        "plate_type": data.plate_type, "reason": data.reason.value, "priority": data.priority,
        "source_record": data.source_record,
        "ncic_system": data.ncic_system.value if data.ncic_system else None,
        "ncic_record": data.ncic_record, "case_number": data.case_number, "xref": data.xref,
        "narrative": data.narrative, "status": status, "entered_by": entered_by,
        "entered_at": entered_at, "effective_at": data.effective_at if status == "active"
        else None, "expires_at": data.expires_at,
    }


def _validated(item: HotPlateInput, entered_at: datetime, *,
               special: bool) -> HotListEntryData:
    expires = None
    if item.expires_in_hours is not None:
        if not 0 < item.expires_in_hours <= 24:
            raise InputRejected("hot plate refused: expiry must be more than 0 and at most 24 "
                                "hours after entry (E.2)")
        expires = entered_at + timedelta(hours=item.expires_in_hours)
    common = {"plate": item.plate, "state": item.state, "reason": item.reason,
              "case_number": item.case_number, "xref": item.xref, "entered_at": entered_at,
              "expires_at": expires, "narrative": item.narrative}
    try:
        if special:
            return validate_special_entry(**common)
        return validate_hot_plate(**common, ncic_system=item.ncic_system,
                                  ncic_record=item.ncic_record, plate_type=item.plate_type)
    except HotListRuleError as exc:
        raise InputRejected(str(exc)) from None


def add_hot_plate(session: Session, ctx: Context, item: HotPlateInput) -> EntryView:
    """E.1/E.2: case or XREF, reason, CLETS/NCIC counterpart, expiry within 24 hours."""
    authorize(session, ctx, Permission.ENTER_HOT_PLATE, action="hotlist.add",
              object_type="plate", object_id=item.plate[:20])
    now = ctx.now()
    data = _validated(item, now, special=False)
    hot_list = _list(session, SPD_HOT_PLATES, ListKind.SPD_HOT_PLATE)
    entry = HotListEntry(**_entry_row(hot_list.id, data, "active", ctx.actor.badge, now))
    session.add(entry)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="hotlist.add", object_type="hot_list_entry", object_id=entry.id,
                 reason=data.reason.value, details=_audit_details(entry))
    publish(session, ChangeEvent(ENTRY_CHANGED, (entry.id,)))
    return _view(entry, hot_list)


def propose_special(session: Session, ctx: Context, item: HotPlateInput) -> EntryView:
    """I.1: a special entry waits, producing no hits, until a supervisor approves it."""
    authorize(session, ctx, Permission.PROPOSE_SPECIAL, action="hotlist.special.propose",
              object_type="plate", object_id=item.plate[:20])
    now = ctx.now()
    data = _validated(item, now, special=True)
    hot_list = _list(session, SPECIAL_LIST, ListKind.SPECIAL)
    entry = HotListEntry(**_entry_row(hot_list.id, data, "pending", ctx.actor.badge, now))
    session.add(entry)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="hotlist.special.propose", object_type="hot_list_entry",
                 object_id=entry.id, reason=data.reason.value, details=_audit_details(entry))
    publish(session, ChangeEvent(ENTRY_CHANGED, (entry.id,)))
    return _view(entry, hot_list)


def decide_special(session: Session, ctx: Context, entry_id: int, approve: bool,
                   reason: str = "") -> EntryView:
    """A supervisor approves (the entry starts matching now) or rejects with a reason."""
    action = "hotlist.special.approve" if approve else "hotlist.special.reject"
    approver = authorize(session, ctx, Permission.APPROVE_SPECIAL, action=action,
                         object_type="hot_list_entry", object_id=entry_id)
    entry = session.scalar(select(HotListEntry).where(HotListEntry.id == entry_id)
                           .with_for_update())
    hot_list = session.get(HotList, entry.list_id) if entry else None
    if entry is None or hot_list is None or hot_list.kind != ListKind.SPECIAL.value:
        raise InputRejected(f"there is no special hot list entry #{entry_id}")
    if entry.status != "pending":
        raise InputRejected(f"entry #{entry_id} was already decided ({entry.status})")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InputRejected("give the reason for rejecting the entry")
    if len(reason) > 1000:
        raise InputRejected("the reason is longer than 1000 characters")
    # I.1 approval means a second person: not the proposer, nor someone they made a
    # supervisor.
    require_separate(session, approver, requester_id_of(session, entry.entered_by),
                     Permission.APPROVE_SPECIAL, what="special hot list entry", action=action,
                     object_type="hot_list_entry", object_id=entry_id)
    now = ctx.now()
    if approve and entry.expires_at is not None and entry.expires_at <= now:
        raise InputRejected(f"entry #{entry_id} expired before it was approved")
    entry.status = "active" if approve else "rejected"
    entry.effective_at = now if approve else None
    entry.decided_by, entry.decided_at = ctx.actor.badge, now
    entry.decision_reason = reason or None
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=action, object_type="hot_list_entry", object_id=entry.id,
                 reason=reason or None, details=_audit_details(entry))
    publish(session, ChangeEvent(ENTRY_CHANGED, (entry.id,)))
    return _view(entry, hot_list)


def import_list(session: Session, ctx: Context, list_name: str, filename: str, sha256: str,
                parsed: ParsedHotList, max_bad_share: float = 0.05) -> ImportReport:
    """Replace a file list atomically, or keep the previous one and report why not.

    Readers see the old list until this transaction commits, then the whole new one.
    """
    authorize(session, ctx, Permission.IMPORT_HOT_LIST, action="hotlist.import",
              object_type="hot_list", object_id=list_name[:80])
    name = " ".join(list_name.split())
    if not name or len(name) > MAX_LIST_NAME:
        raise InputRejected(f"list name must be 1 to {MAX_LIST_NAME} characters")
    hot_list = _list(session, name, ListKind.STATE_NCIC)
    decision = import_decision(parsed, max_bad_share)
    now = ctx.now()
    if decision.accepted:
        session.execute(delete(HotListEntry).where(HotListEntry.list_id == hot_list.id))
        for batch in _batches(parsed.entries, 5000):
            session.execute(insert(HotListEntry),
                            [_entry_row(hot_list.id, e, "active", ctx.actor.badge, now)
                             for e in batch])
        hot_list.last_import_at = now
    report = ImportReport(
        name, decision.accepted, parsed.format,
        len(parsed.entries) if decision.accepted else 0,
        tuple((b.line_number, b.reason) for b in parsed.bad_rows),
        parsed.placeholders_skipped, parsed.duplicates_merged, decision.reasons,
        decision.warnings)
    session.add(HotListImport(
        list_id=hot_list.id, filename=filename[:255], file_format=parsed.format,
        sha256=sha256, imported_by=ctx.actor.badge, applied=decision.accepted,
        accepted=report.accepted, bad_rows=len(parsed.bad_rows),
        skipped_placeholders=parsed.placeholders_skipped,
        merged_duplicates=parsed.duplicates_merged,
        report=json.dumps({"reasons": list(decision.reasons),
                           "warnings": list(decision.warnings),
                           "bad_rows": [list(b) for b in parsed.bad_rows[:1000]]})))
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="hotlist.import" if decision.accepted else "hotlist.import.refused",
                 object_type="hot_list", object_id=hot_list.id,
                 reason="; ".join(decision.reasons) or None,
                 details={"list": name, "file": filename[:255], "sha256": sha256,
                          "format": parsed.format, "accepted": report.accepted,
                          "bad_rows": len(parsed.bad_rows),
                          "placeholders_skipped": parsed.placeholders_skipped,
                          "duplicates_merged": parsed.duplicates_merged})
    if decision.accepted:
        publish(session, ChangeEvent(LIST_REPLACED, (hot_list.id,)))
    return report


def _batches(items: tuple[HotListEntryData, ...],
             size: int) -> Iterator[tuple[HotListEntryData, ...]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def list_entries(session: Session, ctx: Context, *, status: str | None = None,
                 list_name: str | None = None, limit: int = 2000) -> list[EntryView]:
    authorize(session, ctx, Permission.VIEW_HOT_LISTS, action="hotlist.list")
    query = select(HotListEntry, HotList).join(HotList, HotList.id == HotListEntry.list_id)
    if status:
        query = query.where(HotListEntry.status == status)
    if list_name:
        query = query.where(HotList.name == list_name)
    query = query.order_by(HotListEntry.entered_at.desc()).limit(limit)
    return [_view(e, hl) for e, hl in session.execute(query)]


def pending_specials(session: Session, ctx: Context) -> list[EntryView]:
    """The supervisor's approvals inbox."""
    authorize(session, ctx, Permission.APPROVE_SPECIAL, action="hotlist.special.inbox")
    query = (select(HotListEntry, HotList).join(HotList, HotList.id == HotListEntry.list_id)
             .where(HotList.kind == ListKind.SPECIAL.value, HotListEntry.status == "pending")
             .order_by(HotListEntry.entered_at))
    return [_view(e, hl) for e, hl in session.execute(query)]


def _audit_details(entry: HotListEntry) -> dict[str, object]:
    return {"plate": entry.plate, "state": entry.state, "case": entry.case_number,
            "xref": entry.xref, "ncic_system": entry.ncic_system,
            "ncic_record": entry.ncic_record, "status": entry.status,
            "expires_at": entry.expires_at.isoformat() if entry.expires_at else None}


def _view(entry: HotListEntry, hot_list: HotList) -> EntryView:
    return EntryView(
        entry.id, hot_list.name, ListKind(hot_list.kind), entry.plate, entry.state,
        entry.reason, entry.priority, entry.case_number, entry.xref, entry.ncic_system,
        entry.ncic_record, entry.narrative, entry.status, entry.entered_by, entry.entered_at,
        entry.effective_at, entry.expires_at, entry.decided_by, entry.decision_reason)
