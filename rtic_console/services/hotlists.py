"""Hot lists: SPD hot plates (E.1, E.2), special lists with approval (I), file imports."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from rtic_console.domain.hotlist_import import (
    ListClass,
    ParsedHotList,
    expired_refusal,
    expired_warning,
    import_decision,
    in_force,
    list_class,
    shrinks_too_far,
)
from rtic_console.domain.hotlists import (
    HotListEntryData,
    HotListRuleError,
    ListKind,
    validate_hot_plate,
    validate_special_entry,
)
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.duties import requester_id_of, require_separate
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import HotList, HotListEntry, HotListImport

SPD_HOT_PLATES = "SPD hot plates"
SPECIAL_LIST = "SPD special hot list"
IMPORT_ACTION = "hotlist.import"
LIST_LIMIT = 2000  # entries a list screen shows, newest first
APPROVE, REJECT = "hotlist.special.approve", "hotlist.special.reject"
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
    """An import that replaced its list; a refused one raises instead and keeps the old list.

    `kind` says what the list's hits mean; a special list's entries are `pending` until a
    supervisor approves them (I.1). `previous` and `in_force` count entries that can still
    produce a hit, before and after; `shrink_confirmed` says the person confirmed a drop
    beyond the allowed share.
    """

    list_name: str
    kind: ListKind
    file_format: str
    accepted: int
    in_force: int
    previous: int
    shrink_confirmed: bool
    bad_rows: tuple[tuple[int, str], ...]
    placeholders_skipped: int
    duplicates_merged: int
    special_reasons: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def pending(self) -> bool:
        return self.kind is ListKind.SPECIAL


class ShrinkRefused(Refused):
    """An import that would drop more of a list than allowed, without a confirmation; the
    screen offers the confirmation, the CLI names --allow-shrink."""

    def __init__(self, message: str, *, list_name: str, previous: int, new: int,
                 details: dict[str, object]) -> None:
        super().__init__(message, action=IMPORT_ACTION, clause="E.2", object_type="hot_list",
                         object_id=list_name, details=details)
        self.previous, self.new = previous, new


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
                                "hours after entry (E.2)", clause="E.2")
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
        raise InputRejected(str(exc), clause=exc.clause) from None


@service_action("hotlist.add")
def add_hot_plate(session: Session, ctx: Context, item: HotPlateInput) -> EntryView:
    """E.1/E.2: case or XREF, reason, CLETS/NCIC counterpart, expiry within 24 hours."""
    # A refusal names no plate: the trail keeps plates only as digests (C.1).
    authorize(session, ctx, Permission.ENTER_HOT_PLATE, action="hotlist.add",
              object_type="hot_list", object_id=SPD_HOT_PLATES)
    now = ctx.now()
    data = _validated(item, now, special=False)
    hot_list = _list(session, SPD_HOT_PLATES, ListKind.SPD_HOT_PLATE)
    entry = HotListEntry(**_entry_row(hot_list.id, data, "active", ctx.actor.badge, now))
    session.add(entry)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="hotlist.add", object_type="hot_list_entry", object_id=entry.id,
                 reason=data.reason.value, details=_audit_details(entry),
                 plates={"plate": entry.plate})
    publish(session, Change.HOTLIST_ENTRY, (entry.id,))
    return _view(entry, hot_list)


@service_action("hotlist.special.propose")
def propose_special(session: Session, ctx: Context, item: HotPlateInput) -> EntryView:
    """I.1: a special entry waits, producing no hits, until a supervisor approves it."""
    authorize(session, ctx, Permission.PROPOSE_SPECIAL, action="hotlist.special.propose",
              object_type="hot_list", object_id=SPECIAL_LIST)
    now = ctx.now()
    data = _validated(item, now, special=True)
    hot_list = _list(session, SPECIAL_LIST, ListKind.SPECIAL)
    entry = HotListEntry(**_entry_row(hot_list.id, data, "pending", ctx.actor.badge, now))
    session.add(entry)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="hotlist.special.propose", object_type="hot_list_entry",
                 object_id=entry.id, reason=data.reason.value, details=_audit_details(entry),
                 plates={"plate": entry.plate})
    publish(session, Change.HOTLIST_ENTRY, (entry.id,))
    return _view(entry, hot_list)


@service_action(lambda entry_id, approve, reason="": APPROVE if approve else REJECT)
def decide_special(session: Session, ctx: Context, entry_id: int, approve: bool,
                   reason: str = "") -> EntryView:
    """A supervisor approves (the entry starts matching now) or rejects with a reason."""
    action = APPROVE if approve else REJECT
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
                 reason=reason or None, details=_audit_details(entry),
                 plates={"plate": entry.plate})
    publish(session, Change.HOTLIST_ENTRY, (entry.id,))
    return _view(entry, hot_list)


@service_action("hotlist.import")
def import_list(session: Session, ctx: Context, list_name: str, filename: str, sha256: str,
                parsed: ParsedHotList, max_bad_share: float = 0.05, *,
                allow_shrink: bool = False) -> ImportReport:
    """Replace a file list atomically, or refuse (audited) and keep the previous one.

    Refused: a file that looks empty, cut short or mostly bad; one whose every entry has
    expired; one that would drop more than `hotlist_max_shrink_share` of the entries in
    force without `allow_shrink` (E.2); one that would change what an existing list's hits
    mean (I.1). A list that is not a DOJ or NCIC extract becomes a special list, its entries
    waiting for a supervisor, unless every row has the record E.1 and E.2 ask (list_class).
    Readers see the old list until this transaction commits, then the whole new one.
    """
    authorize(session, ctx, Permission.IMPORT_HOT_LIST, action=IMPORT_ACTION,
              object_type="hot_list", object_id=list_name[:80])
    name = " ".join(list_name.split())
    if not name or len(name) > MAX_LIST_NAME:
        raise InputRejected(f"list name must be 1 to {MAX_LIST_NAME} characters")
    now = ctx.now()
    facts: dict[str, object] = {"list": name, "file": filename[:255], "sha256": sha256,
                                "format": parsed.format, "entries": len(parsed.entries),
                                "bad_rows": len(parsed.bad_rows)}

    def refuse(reason: str, clause: str, **details: object) -> Refused:
        return Refused(f"Import of {filename[:80]} into {name!r} refused, previous list "
                       f"kept: {reason}.", action=IMPORT_ACTION, clause=clause,
                       object_type="hot_list", object_id=name, details={**facts, **details})

    if name in (SPD_HOT_PLATES, SPECIAL_LIST):
        raise refuse(f"{name!r} holds plates entered one by one under E.1 and E.2; import "
                     "into a list of its own", "E.1")
    decision = import_decision(parsed, max_bad_share)
    if not decision.accepted:
        raise refuse("; ".join(decision.reasons), "E.2")
    if (expired := expired_refusal(parsed, now)) is not None:
        raise refuse(expired, "E.2")
    classed = list_class(parsed, now)
    hot_list = session.scalar(select(HotList).where(HotList.name == name).with_for_update())
    if hot_list is not None and hot_list.kind != classed.kind.value:
        raise refuse(_kind_change(hot_list.kind, classed), "I.1", kind=classed.kind.value,
                     previous_kind=hot_list.kind)
    previous = _entries_in_force(session, hot_list.id, now) if hot_list else 0
    new = len(in_force(parsed.entries, now))
    share = ctx.settings.hotlist_max_shrink_share
    shrinks = shrinks_too_far(previous, new, share)
    if shrinks and not allow_shrink:
        raise ShrinkRefused(
            f"Import of {filename[:80]} into {name!r} refused, previous list kept: it would "
            f"shrink the list from {previous:,} to {new:,} entries in force "
            f"({(previous - new) / previous:.0%} fewer; more than {share:.0%} needs an "
            "explicit confirmation).", list_name=name, previous=previous, new=new,
            details={**facts, "previous": previous, "in_force": new, "max_shrink_share": share})
    if hot_list is None:
        hot_list = _list(session, name, classed.kind)
    status = "pending" if classed.needs_approval else "active"
    session.execute(delete(HotListEntry).where(HotListEntry.list_id == hot_list.id))
    for batch in _batches(parsed.entries, 5000):
        session.execute(insert(HotListEntry),
                        [_entry_row(hot_list.id, e, status, ctx.actor.badge, now)
                         for e in batch])
    hot_list.last_import_at = now
    warnings = [*decision.warnings, *filter(None, [expired_warning(parsed, now)])]
    if classed.needs_approval:
        warnings.append("a special list: its entries wait for a supervisor's approval and "
                        "its hits are informational only (I.1)")
    report = ImportReport(
        name, classed.kind, parsed.format, len(parsed.entries), new, previous, shrinks,
        tuple((b.line_number, b.reason) for b in parsed.bad_rows),
        parsed.placeholders_skipped, parsed.duplicates_merged, classed.reasons,
        tuple(warnings))
    session.add(HotListImport(
        list_id=hot_list.id, filename=filename[:255], file_format=parsed.format,
        sha256=sha256, imported_by=ctx.actor.badge, applied=True,
        accepted=report.accepted, bad_rows=len(parsed.bad_rows),
        skipped_placeholders=parsed.placeholders_skipped,
        merged_duplicates=parsed.duplicates_merged,
        report=json.dumps({"kind": classed.kind.value, "previous": previous,
                           "in_force": new, "shrink_confirmed": shrinks,
                           "special_reasons": list(classed.reasons), "warnings": warnings,
                           "bad_rows": [list(b) for b in parsed.bad_rows[:1000]]})))
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=IMPORT_ACTION, object_type="hot_list", object_id=hot_list.id,
                 reason="; ".join(classed.reasons) or None,
                 details={**facts, "kind": classed.kind.value, "status": status,
                          "previous": previous, "in_force": new,
                          "shrink_confirmed": shrinks,
                          "placeholders_skipped": parsed.placeholders_skipped,
                          "duplicates_merged": parsed.duplicates_merged})
    publish(session, Change.HOTLIST_LIST, (hot_list.id,))
    return report


def _kind_change(kind: str, classed: ListClass) -> str:
    """Why a file may not change what an existing list's hits mean."""
    if classed.kind is ListKind.SPECIAL:
        return (f"this file is a special list ({'; '.join(classed.reasons)}), and the list "
                f"is a {ListKind(kind).title} list whose hits are acted on; import it under "
                "another name, or give every row its case or XREF, counterpart and expiry")
    return (f"the list is a {ListKind(kind).title} list and this file would make it a "
            f"{classed.kind.title} list; import it under another name")


def _entries_in_force(session: Session, list_id: int, now: datetime) -> int:
    """Entries of a list that can produce a hit now or once approved (E.2, I.1)."""
    return session.scalar(select(func.count()).select_from(HotListEntry).where(
        HotListEntry.list_id == list_id, HotListEntry.status.in_(("active", "pending")),
        or_(HotListEntry.expires_at.is_(None), HotListEntry.expires_at > now))) or 0


def _batches(items: tuple[HotListEntryData, ...],
             size: int) -> Iterator[tuple[HotListEntryData, ...]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@service_action("hotlist.list")
def list_entries(session: Session, ctx: Context, *, statuses: Collection[str] | None = None,
                 list_name: str | None = None, limit: int = LIST_LIMIT) -> list[EntryView]:
    """Newest first; `statuses` None for every status."""
    authorize(session, ctx, Permission.VIEW_HOT_LISTS, action=Change.HOTLIST_LIST)
    query = _entries(statuses, list_name).order_by(HotListEntry.entered_at.desc()).limit(limit)
    return [_view(e, hl) for e, hl in session.execute(query)]


@service_action("hotlist.list")
def entries_by_id(session: Session, ctx: Context, entry_ids: Collection[int], *,
                  statuses: Collection[str] | None = None,
                  list_name: str | None = None) -> list[EntryView]:
    """Those of these entries the list shows with the same filter: what a live list
    upserts; one that no longer passes it drops out."""
    authorize(session, ctx, Permission.VIEW_HOT_LISTS, action=Change.HOTLIST_LIST)
    query = _entries(statuses, list_name).where(HotListEntry.id.in_(set(entry_ids)))
    return [_view(e, hl) for e, hl in session.execute(query)]


def _entries(statuses: Collection[str] | None,
             list_name: str | None) -> Select[tuple[HotListEntry, HotList]]:
    query = select(HotListEntry, HotList).join(HotList, HotList.id == HotListEntry.list_id)
    if statuses is not None:
        query = query.where(HotListEntry.status.in_(list(statuses)))
    if list_name:
        query = query.where(HotList.name == list_name)
    return query


@service_action("hotlist.special.inbox")
def pending_specials(session: Session, ctx: Context) -> list[EntryView]:
    """The special entries a supervisor decides: one of the inbox's sources (I.1)."""
    authorize(session, ctx, Permission.APPROVE_SPECIAL, action="hotlist.special.inbox")
    query = _pending_specials().order_by(HotListEntry.entered_at)
    return [_view(e, hl) for e, hl in session.execute(query)]


def _pending_specials() -> Select[tuple[HotListEntry, HotList]]:
    return _entries(("pending",), None).where(HotList.kind == ListKind.SPECIAL.value)


def _audit_details(entry: HotListEntry) -> dict[str, object]:
    """The entry as audited; its plate goes in the event's `plates` (a digest in the trail)."""
    return {"state": entry.state, "case": entry.case_number,
            "xref": entry.xref, "ncic_system": entry.ncic_system,
            "ncic_record": entry.ncic_record, "status": entry.status,
            "expires_at": entry.expires_at.isoformat() if entry.expires_at else None}


def _view(entry: HotListEntry, hot_list: HotList) -> EntryView:
    return EntryView(
        entry.id, hot_list.name, ListKind(hot_list.kind), entry.plate, entry.state,
        entry.reason, entry.priority, entry.case_number, entry.xref, entry.ncic_system,
        entry.ncic_record, entry.narrative, entry.status, entry.entered_by, entry.entered_at,
        entry.effective_at, entry.expires_at, entry.decided_by, entry.decision_reason)
