"""Sharing a special hot list entry with another law enforcement agency (I.2.b): a request to
a division commander, decided with a reason; nothing leaves without that approval."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.hotlists import ListKind
from rtic_console.domain.roles import Permission
from rtic_console.services.agencies import agency_by_ori
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.duties import requester_id_of, require_separate
from rtic_console.services.staged_files import publish_on_commit, staged_file
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Agency, HotList, HotListEntry, SpecialShareRequest
from rtic_console.store.private_files import private_folder

CLAUSE = "I.2.b"
REQUEST = "hotlist.special.share"
APPROVE, REJECT = "hotlist.special.share.approve", "hotlist.special.share.reject"
RELEASE = "hotlist.special.share.release"
MIN_REASON, MAX_REASON = 10, 1000


@dataclass(frozen=True)
class SpecialShareView:
    id: int
    entry_id: int
    plate: str
    list_name: str
    agency_ori: str
    agency_name: str
    reason: str
    requested_by: str
    requested_at: datetime
    status: str  # pending, approved, rejected
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None


def _view(row: SpecialShareRequest, entry: HotListEntry, hot_list: HotList,
          agency: Agency) -> SpecialShareView:
    return SpecialShareView(row.id, entry.id, entry.plate, hot_list.name, agency.ori,
                            agency.name, row.reason, row.requested_by, row.requested_at,
                            row.status, row.decided_by, row.decided_at, row.decision_reason)


def _reason(raw: object, label: str) -> str:
    text = " ".join(raw.split()) if isinstance(raw, str) else ""
    if len(text) < MIN_REASON:
        raise InputRejected(f"{label}: at least {MIN_REASON} characters saying why")
    if len(text) > MAX_REASON:
        raise InputRejected(f"{label}: at most {MAX_REASON} characters")
    return text


def _audit(session: Session, ctx: Context, action: str, row: SpecialShareRequest,
           reason: str | None, details: dict[str, object]) -> None:
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=action, object_type="special_share_request", object_id=row.id,
                 reason=reason, details={"clause": CLAUSE, **details})


@service_action(REQUEST)
def request_special_share(session: Session, ctx: Context, entry_id: int, agency_ori: str,
                          reason: str) -> SpecialShareView:
    """Ask a division commander to share an approved special hot list entry with a law
    enforcement agency in the directory (I.2.b); nothing is shared by asking."""
    authorize(session, ctx, Permission.PROPOSE_SPECIAL, action=REQUEST,
              object_type="hot_list_entry", object_id=entry_id)
    text = _reason(reason, "reason")
    entry = session.get(HotListEntry, entry_id) if isinstance(entry_id, int) else None
    hot_list = session.get(HotList, entry.list_id) if entry else None
    if entry is None or hot_list is None or hot_list.kind != ListKind.SPECIAL.value:
        raise InputRejected(f"there is no special hot list entry #{entry_id}")
    if entry.status != "active":
        raise InputRejected(f"special entry #{entry_id} is {entry.status}; only an approved "
                            "entry in force may be shared")
    agency = agency_by_ori(session, agency_ori)
    if agency is None:
        raise Refused(f"Agency {str(agency_ori)[:12]} is not in the agency directory.",
                      clause=CLAUSE, object_type="agency", object_id=str(agency_ori)[:12])
    if not agency.law_enforcement:
        raise Refused(f"{agency.name} is not a law enforcement agency: a special hot list is "
                      "shared only with law enforcement agencies (I.2.b).", clause=CLAUSE,
                      object_type="agency", object_id=agency.ori)
    row = SpecialShareRequest(entry_id=entry.id, agency_id=agency.id, reason=text,
                              requested_by=ctx.actor.badge, requested_at=ctx.now(),
                              status="pending")
    session.add(row)
    session.flush()
    _audit(session, ctx, REQUEST, row, text, {"entry": entry.id, "agency": agency.ori})
    publish(session, Change.SPECIAL_SHARE, (row.id,))
    return _view(row, entry, hot_list, agency)


def _locked(session: Session, share_id: object) -> tuple[SpecialShareRequest, HotListEntry,
                                                         HotList, Agency]:
    if isinstance(share_id, bool) or not isinstance(share_id, int):
        raise InputRejected("give the share request's number")
    row = session.scalar(select(SpecialShareRequest).where(SpecialShareRequest.id == share_id)
                         .with_for_update())
    if row is None:
        raise InputRejected(f"there is no special hot list share request #{share_id}")
    entry = session.get_one(HotListEntry, row.entry_id)
    return row, entry, session.get_one(HotList, entry.list_id), session.get_one(
        Agency, row.agency_id)


@service_action(lambda share_id, approve, *a, **k: APPROVE if approve else REJECT)
def decide_special_share(session: Session, ctx: Context, share_id: int, approve: bool,
                         reason: str) -> SpecialShareView:
    """A division commander approves or rejects, with a reason; never the person who asked
    nor someone they made an approver (separation of duties)."""
    action = APPROVE if approve else REJECT
    person = authorize(session, ctx, Permission.APPROVE_SPECIAL_SHARING, action=action,
                       object_type="special_share_request", object_id=share_id)
    text = _reason(reason, "reason")
    row, entry, hot_list, agency = _locked(session, share_id)
    if row.status != "pending":
        raise InputRejected(f"share request #{row.id} was already decided ({row.status})")
    require_separate(session, person, requester_id_of(session, row.requested_by),
                     Permission.APPROVE_SPECIAL_SHARING, what="special hot list share",
                     action=action, object_type="special_share_request", object_id=row.id)
    row.status = "approved" if approve else "rejected"
    row.decided_by, row.decided_at, row.decision_reason = ctx.actor.badge, ctx.now(), text
    _audit(session, ctx, action, row, text, {"entry": entry.id, "agency": agency.ori})
    publish(session, Change.SPECIAL_SHARE, (row.id,))
    return _view(row, entry, hot_list, agency)


@service_action(RELEASE)
def release_special_share(session: Session, ctx: Context, share_id: int,
                          out_dir: str | Path) -> Path:
    """The entry for the agency as one JSON file (0600), appearing when its audit event
    commits; refused (I.2.b) unless a division commander approved the share."""
    authorize(session, ctx, Permission.PROPOSE_SPECIAL, action=RELEASE,
              object_type="special_share_request", object_id=share_id)
    row, entry, hot_list, agency = _locked(session, share_id)
    if row.status != "approved":
        raise Refused(f"Share request #{row.id} is {row.status}: a special hot list entry "
                      "leaves SPD only with a division commander's approval (I.2.b).",
                      clause=CLAUSE, object_type="special_share_request", object_id=row.id)
    if entry.status != "active":
        raise Refused(f"Special entry #{entry.id} is {entry.status} now; it is no longer "
                      "shared.", clause=CLAUSE, object_type="special_share_request",
                      object_id=row.id)
    body = {"share_request": row.id, "created_utc": ctx.now().isoformat(),
            "recipient": {"ori": agency.ori, "name": agency.name},
            "approved_by": row.decided_by, "approval_reason": row.decision_reason,
            "notice": "Informational only: not, on its own, a basis for an enforcement or "
                      "investigative stop (I.1).",
            "entry": {"list": hot_list.name, "plate": entry.plate, "state": entry.state,
                      "reason": entry.reason, "case_number": entry.case_number,
                      "narrative": entry.narrative,
                      "expires_utc": entry.expires_at.isoformat() if entry.expires_at
                      else None}}
    data = (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        folder = private_folder(Path(out_dir))
        target = folder / f"special-share-{row.id}-{agency.ori}.json"
        staged = staged_file(target, data)
    except OSError as exc:
        raise InputRejected(f"folder: cannot write in {out_dir}: {exc.strerror}") from None
    publish_on_commit(session, staged, target, "special hot list share")
    _audit(session, ctx, RELEASE, row, None, {"entry": entry.id, "agency": agency.ori,
                                              "file": target.name,
                                              "sha256": hashlib.sha256(data).hexdigest()})
    return target


@service_action("hotlist.special.share.list")
def list_special_shares(session: Session, ctx: Context, *,
                        pending_only: bool = False) -> list[SpecialShareView]:
    """Every share request, newest first; `pending_only` is the division commander's inbox."""
    authorize(session, ctx, Permission.VIEW_SHARING, action="hotlist.special.share.list",
              object_type="special_share_request")
    query = (select(SpecialShareRequest, HotListEntry, HotList, Agency)
             .join(HotListEntry, HotListEntry.id == SpecialShareRequest.entry_id)
             .join(HotList, HotList.id == HotListEntry.list_id)
             .join(Agency, Agency.id == SpecialShareRequest.agency_id)
             .order_by(SpecialShareRequest.id.desc()))
    if pending_only:
        query = query.where(SpecialShareRequest.status == "pending")
    return [_view(*row) for row in session.execute(query)]
